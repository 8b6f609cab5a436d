/** Unfreeze a frozen node (`docker unpause`): it runs on from where it stopped. */
import { awaitRunState } from './run-state.ts';
import { nodeFault } from './node-fault.ts';

// A frozen node's terminal answers nothing: the workbench offers a button.
export const unfreeze = nodeFault({
  kind: 'unfreeze',
  description: 'Unfreezes a frozen node (docker unpause): it runs on from where it stopped.',
  button: (node) => `▶ Unfreeze ${node}`,
  async perform(session, node, signal) {
    await session.lab.unfreeze(node);
    await awaitRunState(session, node, 'running', signal);
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    unfreeze: typeof unfreeze;
  }
}

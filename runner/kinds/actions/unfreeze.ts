/** Unfreeze a frozen node (`docker unpause`): it runs on from where it stopped. */
import { nodeNameSchema } from '../cast.ts';
import { defineAction } from '../kind.ts';
import { awaitRunState } from './run-state.ts';

export const unfreeze = defineAction({
  kind: 'unfreeze',
  description: 'Unfreezes a frozen node (docker unpause): it runs on from where it stopped.',
  params: nodeNameSchema,
  // A frozen node's terminal answers nothing: the workbench offers a button.
  performedBy: 'runner',
  effect: 'changes-lab',
  nodes: (node) => [node],
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

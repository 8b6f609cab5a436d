/** Freeze a node like a hung machine (`docker pause`): no adverts, no goodbye, its addresses stay. */
import { awaitRunState } from './run-state.ts';
import { nodeFault } from './node-fault.ts';

// A terminal cannot pause its own container: the workbench offers a button.
export const freeze = nodeFault({
  kind: 'freeze',
  description: 'Freezes a node like a hung machine (docker pause): no adverts, no goodbye, its addresses stay.',
  button: (node) => `❄ Freeze ${node}`,
  async perform(session, node, signal) {
    await session.lab.freeze(node);
    await awaitRunState(session, node, 'frozen', signal);
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    freeze: typeof freeze;
  }
}

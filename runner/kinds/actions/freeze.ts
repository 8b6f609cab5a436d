/** Freeze a node like a hung machine (`docker pause`): no adverts, no goodbye, its addresses stay. */
import { nodeNameSchema } from '../cast.ts';
import { defineAction } from '../kind.ts';
import { awaitRunState } from './run-state.ts';

export const freeze = defineAction({
  kind: 'freeze',
  description: 'Freezes a node like a hung machine (docker pause): no adverts, no goodbye, its addresses stay.',
  params: nodeNameSchema,
  // A terminal cannot pause its own container: the workbench offers a button.
  performedBy: 'runner',
  effect: 'changes-lab',
  nodes: (node) => [node],
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

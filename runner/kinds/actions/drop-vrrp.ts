/**
 * Cut the heartbeat: VRRP adverts arriving at one node are dropped (all of them, or only those
 * from `from`), by the runner, as a firewall dropping protocol 112 would. The node stops hearing
 * its master; its own adverts still go out. heal-vrrp undoes it.
 */
import { z } from 'zod';
import { nodeNameSchema } from '../cast.ts';
import { defineAction } from '../kind.ts';
import { dropVrrp as drop } from './vrrp-firewall.ts';

export const dropVrrp = defineAction({
  kind: 'drop-vrrp',
  description: 'Drops the VRRP adverts arriving at node `to` (only those from `from`, when given), with an nftables rule the runner puts in its network namespace: the heartbeat is cut one way.',
  params: z.object({ to: nodeNameSchema, from: nodeNameSchema.optional() }).strict(),
  // A fault from outside the node: the workbench offers a button.
  performedBy: 'runner',
  effect: 'changes-lab',
  nodes: ({ to, from }) => (from ? [to, from] : [to]),
  button: ({ to, from }) => (from ? `✂ Cut ${from}'s heartbeat to ${to}` : `✂ Cut the heartbeat to ${to}`),
  async perform({ lab, observer }, { to, from }) {
    await drop(lab, to, from);
    // Nothing the observer sees changes at once: the node's Master_Down_Interval starts now.
    observer.noteActivity();
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    'drop-vrrp': typeof dropVrrp;
  }
}

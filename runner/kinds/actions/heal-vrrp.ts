/** Heal the heartbeat: stop dropping VRRP at a node (drop-vrrp's rules there go). */
import { nodeFault } from './node-fault.ts';
import { healVrrp as heal } from './vrrp-firewall.ts';

export const healVrrp = nodeFault({
  kind: 'heal-vrrp',
  description: 'Stops dropping VRRP adverts at this node (removes what drop-vrrp put there): the heartbeat is whole again.',
  button: (node) => `✚ Heal the heartbeat to ${node}`,
  async perform({ lab, observer }, node) {
    await heal(lab, node);
    observer.noteActivity();
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    'heal-vrrp': typeof healVrrp;
  }
}

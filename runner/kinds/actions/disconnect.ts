/**
 * Disconnect a node from the lab network, like a pulled cable: its eth0 is taken down from the
 * node's eyes (`ip link set eth0 down` in its network namespace). keepalived sees the link go and
 * enters FAULT, giving up the VIP; nothing reaches the node, nothing leaves it.
 *
 * Not `docker network disconnect`: with the engine's disconnect and connect the node comes back
 * with its address on a new interface, eth1, where the lab's configs say `interface eth0`, and the
 * eyes' capture on eth0 ends with the old interface. A link taken down keeps the interface, its
 * addresses and the eyes' capture; reconnect brings it up again.
 */
import { nodeFault, requireDone } from './node-fault.ts';

export const disconnect = nodeFault({
  kind: 'disconnect',
  description: "Disconnects a node from the lab network like a pulled cable (its eth0 taken down from outside the node): keepalived sees the link go and gives up the VIP.",
  button: (node) => `⏏ Disconnect ${node}`,
  async perform({ lab, observer }, node) {
    requireDone(await lab.execBeside(node, 'ip link set eth0 down', { timeoutS: 10 }), `disconnect ${node}`);
    observer.noteActivity();
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    disconnect: typeof disconnect;
  }
}

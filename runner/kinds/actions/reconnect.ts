/**
 * Connect a disconnected node again: its eth0 comes back up with the address it always had. A link
 * taken down loses its routes, so the default route through the lab's gateway is put back too
 * (the node's own subnet route returns with the link).
 */
import { nodeFault, requireDone } from './node-fault.ts';

export const reconnect = nodeFault({
  kind: 'reconnect',
  description: 'Connects a disconnected node again (its eth0 up, the default route back): it hears and is heard again.',
  button: (node) => `⇄ Reconnect ${node}`,
  async perform({ lab, observer }, node) {
    const command = `ip link set eth0 up && ip route replace default via ${lab.addresses.gateway} dev eth0`;
    requireDone(await lab.execBeside(node, command, { timeoutS: 10 }), `reconnect ${node}`);
    observer.noteActivity();
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    reconnect: typeof reconnect;
  }
}

/** Stop nginx on a node, as a fault the page offers as a button (a learner may type it instead). */
import { nodeFault, stopService } from './node-fault.ts';

export const stopNginx = nodeFault({
  kind: 'stop-nginx',
  description: 'Stops nginx on a node (systemctl stop nginx), keepalived left running, so only a health check can notice; a button in the page, though a terminal can do it too.',
  button: (node) => `■ Stop nginx on ${node}`,
  perform: (session, node) => stopService(session, node, 'nginx'),
});

declare module '../registry.ts' {
  interface ActionKinds {
    'stop-nginx': typeof stopNginx;
  }
}

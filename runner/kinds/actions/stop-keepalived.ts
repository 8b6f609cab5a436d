/** Stop keepalived on a node, as a fault the page offers as a button (a learner may type it instead). */
import { nodeFault, stopService } from './node-fault.ts';

export const stopKeepalived = nodeFault({
  kind: 'stop-keepalived',
  description: 'Stops keepalived on a node (systemctl stop keepalived: its priority-0 advert says goodbye); a button in the page, though a terminal can do it too.',
  button: (node) => `■ Stop keepalived on ${node}`,
  perform: (session, node) => stopService(session, node, 'keepalived'),
});

declare module '../registry.ts' {
  interface ActionKinds {
    'stop-keepalived': typeof stopKeepalived;
  }
}

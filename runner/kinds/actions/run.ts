/** Run a shell command on a node, e.g. `systemctl stop keepalived`, as the learner types it in the node's terminal. */
import { z } from 'zod';
import { nodeNameSchema } from '../cast.ts';
import { defineAction } from '../kind.ts';

export const run = defineAction({
  kind: 'run',
  description: "Runs a shell command on a node, as the learner types it in the node's terminal.",
  params: z.object({ node: nodeNameSchema, command: z.string().min(1) }).strict(),
  performedBy: 'learner',
  effect: 'changes-lab',
  nodes: ({ node }) => [node],
  async perform({ lab, observer }, { node, command }) {
    await lab.exec(node, command, { timeoutS: 60 });
    // The observer cannot see every change a command makes (nginx stopped: a health check will react).
    observer.noteActivity();
  },
});

declare module '../registry.ts' {
  interface ActionKinds {
    run: typeof run;
  }
}

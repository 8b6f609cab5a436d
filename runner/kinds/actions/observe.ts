/** Nothing to do: the step only watches the lab (`observe: true`). */
import { z } from 'zod';
import { defineAction } from '../kind.ts';

export const observe = defineAction({
  kind: 'observe',
  description: "Does nothing: the step only watches, and its settle window starts at the lab's last change.",
  params: z.literal(true),
  performedBy: 'learner',
  effect: 'observes',
  nodes: () => [],
  async perform() {},
});

declare module '../registry.ts' {
  interface ActionKinds {
    observe: typeof observe;
  }
}

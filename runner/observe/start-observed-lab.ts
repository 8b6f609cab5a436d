/**
 * A lab copy with its observer, started (and on failure removed) as one: what `kalab check` and the
 * workbench both need before a first step.
 *
 * Measured on two cores: Docker takes about 1.1 s to start a lab's five or six containers and the
 * observer's execs about 0.4 s more. Starting each node's watchers as soon as that node was ready
 * saved nothing (dockerd is busy with the other containers then), so the two run one after the other.
 */
import type Docker from 'dockerode';
import { LabInstance, type LabInstanceOptions } from '../engine/lab-instance.ts';
import type { Solution } from '../engine/solution.ts';
import type { LabDefinition } from '../lab/definition.ts';
import { LabObserver } from './lab-observer.ts';

export interface ObservedLab {
  lab: LabInstance;
  observer: LabObserver;
}

export async function startObservedLab(
  docker: Docker,
  definition: LabDefinition,
  opts: LabInstanceOptions & { solution?: Solution },
): Promise<ObservedLab> {
  const lab = await LabInstance.start(docker, definition, opts);
  const observer = new LabObserver(lab);
  try {
    await observer.watchEngine();
    await Promise.all([...lab.nodes.map((node) => observer.watchNode(node)), opts.solution ? lab.applySolution(opts.solution) : undefined]);
    return { lab, observer };
  } catch (err) {
    await observer.stop().catch(() => undefined);
    await lab.teardown().catch(() => undefined);
    throw err;
  }
}

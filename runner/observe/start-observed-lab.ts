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
import { startSlotsOf } from '../engine/start-slots.ts';
import { renderSentence, say } from '../shared/sentences.ts';
import { mapSolutionAddresses, type Solution } from '../engine/solution.ts';
import { addressMap } from '../lab/address-map.ts';
import type { LabDefinition } from '../lab/definition.ts';
import { LabObserver } from './lab-observer.ts';

export interface ObservedLab {
  lab: LabInstance;
  observer: LabObserver;
  /** Solution files whose canonical addresses were mapped to this copy's subnet, with how many. */
  mapped: { file: string; count: number }[];
}

export async function startObservedLab(
  docker: Docker,
  definition: LabDefinition,
  opts: LabInstanceOptions & { solution?: Solution },
): Promise<ObservedLab> {
  // One engine starts a few copies at a time (runner/engine/start-slots.ts); the rest wait their turn.
  const queued = (ahead: number) => {
    const sentence = say('start-queued', { ahead });
    opts.progress?.(renderSentence(sentence), sentence);
  };
  return startSlotsOf(docker).run(() => startNow(docker, definition, opts), queued);
}

async function startNow(docker: Docker, definition: LabDefinition, opts: LabInstanceOptions & { solution?: Solution }): Promise<ObservedLab> {
  const lab = await LabInstance.start(docker, definition, opts);
  const observer = new LabObserver(lab);
  try {
    // A copy off its canonical subnet runs the solution with the copy's own addresses.
    let solution = opts.solution;
    let mapped: ObservedLab['mapped'] = [];
    if (solution && lab.addresses.subnet !== definition.subnet) {
      ({ solution, replaced: mapped } = mapSolutionAddresses(solution, addressMap(definition.subnet, lab.addresses.subnet)));
    }
    await observer.watchEngine();
    await Promise.all([...lab.nodes.map((node) => observer.watchNode(node)), solution ? lab.applySolution(solution) : undefined]);
    return { lab, observer, mapped };
  } catch (err) {
    await observer.stop().catch(() => undefined);
    await lab.teardown().catch(() => undefined);
    throw err;
  }
}

/** The observer for a lab copy that is already running (adopted after a restart of the workbench). */
export async function observeLab(lab: LabInstance): Promise<{ lab: LabInstance; observer: LabObserver }> {
  const observer = new LabObserver(lab);
  try {
    await observer.watchEngine();
    await observer.seedRunStates();
    await Promise.all(lab.nodes.map((node) => observer.watchNode(node)));
    return { lab, observer };
  } catch (err) {
    await observer.stop().catch(() => undefined);
    throw err;
  }
}

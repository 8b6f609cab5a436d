/**
 * What a page may name, checked against the lab definition: the lab's own nodes and steps, and for
 * the editor only files under /etc/keepalived/ on the lab's load balancers.
 */
import path from 'node:path';
import { actionOf, isRunnerAction } from '../kinds/registry.ts';
import { roleOf, type LabDefinition, type NodeName, type StepDefinition } from '../lab/definition.ts';
import { listLabIds, loadLab, type LoadedLab } from '../lab/registry.ts';
import { LabDefinitionError } from '../shared/errors.ts';
import type { ServerMessage } from '../shared/protocol.ts';
import { say } from '../shared/sentences.ts';
import { RequestError } from './request-error.ts';

export const EDITABLE_DIR = '/etc/keepalived/';

/** Characters a file name in the editor may use: enough for any config or script, nothing a shell interprets. */
const SAFE_PATH = /^[A-Za-z0-9._+@=,/-]+$/;

/**
 * The lab a page names (its hello), loaded: an unknown name lists the known ones, a lab.yaml that
 * does not load says why in the loader's words.
 */
export function requireLab(id: string, labsDir: string): LoadedLab {
  try {
    return loadLab(id, labsDir);
  } catch (err) {
    if (!(err instanceof LabDefinitionError)) throw err;
    const known = listLabIds(labsDir);
    const sentence = known.includes(id) ? say('lab-definition-invalid', { lab: id, error: err.message }) : say('unknown-lab', { lab: id, labs: known });
    throw new RequestError(sentence, { cause: err });
  }
}

export function requireNode(lab: LabDefinition, node: string): NodeName {
  if (!(lab.nodes as string[]).includes(node)) {
    throw new RequestError(say('unknown-node', { lab: lab.id, node, nodes: lab.nodes }));
  }
  return node as NodeName;
}

export function requireStep(lab: LabDefinition, stepId: string): StepDefinition {
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) throw new RequestError(say('unknown-step', { lab: lab.id, step: stepId, steps: lab.steps.map((s) => s.id) }));
  return step;
}

/** The nodes with an editor tab: the lab's load balancers. */
export function editableNodes(lab: LabDefinition): NodeName[] {
  return lab.nodes.filter((n) => roleOf(n) === 'lb');
}

/** A file the editor may read or write: on an lb node of this lab, under /etc/keepalived/. Returns the normalised path. */
export function requireEditable(lab: LabDefinition, node: string, filePath: string): { node: NodeName; path: string } {
  return { node: requireEditableNode(lab, node), path: editablePath(filePath) };
}

/** A node with an editor tab (an lb node of this lab): whose files, and reference solution, a page may read. */
export function requireEditableNode(lab: LabDefinition, node: string): NodeName {
  const n = requireNode(lab, node);
  if (roleOf(n) !== 'lb') {
    throw new RequestError(say('not-editable-node', { node: n, editable: editableNodes(lab) }));
  }
  return n;
}

export function editablePath(filePath: string): string {
  if (filePath.includes('\0')) throw new RequestError(say('path-nul', {}));
  if (filePath.split('/').includes('..')) throw new RequestError(say('path-dotdot', { path: filePath, dir: EDITABLE_DIR }));
  const normalised = path.posix.normalize(filePath);
  if (!normalised.startsWith(EDITABLE_DIR) || normalised.length === EDITABLE_DIR.length || normalised.endsWith('/')) {
    throw new RequestError(say('path-outside', { path: filePath, dir: EDITABLE_DIR }));
  }
  if (!SAFE_PATH.test(normalised)) {
    throw new RequestError(say('path-characters', { path: filePath }));
  }
  return normalised;
}

/** The welcome message: what the page needs to draw the lab (steps, which of them the runner performs, editor tabs). */
export function welcomeFor(lab: LabDefinition, policy: LabPolicy = OPEN_POLICY): Extract<ServerMessage, { type: 'welcome' }> {
  return {
    type: 'welcome',
    lab: lab.id,
    title: lab.title,
    ...(lab.title_zh ? { title_zh: lab.title_zh } : {}),
    steps: lab.steps.map((s) => {
      const action = actionOf(s.do);
      // A runner action is a button, labelled by its kind, for the node it acts on.
      const button = isRunnerAction(action.kind)
        ? { action: action.kind, node: action.nodes[0], actionNodes: action.nodes, ...(action.button ? { button: action.button } : {}) }
        : {};
      const commands = s.commands.length ? { commands: s.commands.map((c) => ({ node: c.node, command: c.command })) } : {};
      return { id: s.id, title: s.title, ...(s.title_zh ? { title_zh: s.title_zh } : {}), ...button, ...commands };
    }),
    editable: editableNodes(lab),
    ...(policy.solutions ? {} : { solutions: false }),
  };
}

/** What a workbench lets its learners see (`kalab start --no-solutions`: an exam, hints only). */
export interface LabPolicy {
  solutions: boolean;
}

export const OPEN_POLICY: LabPolicy = { solutions: true };

/** The action a page may ask the runner to do for a step: only the kinds performed by the runner (faults, mostly what a terminal cannot do). */
export function requireRunnerAction(lab: LabDefinition, stepId: string): StepDefinition {
  const step = requireStep(lab, stepId);
  if (!isRunnerAction(actionOf(step.do).kind)) {
    throw new RequestError(say('step-not-runner-action', { step: step.id }));
  }
  return step;
}

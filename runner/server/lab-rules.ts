/**
 * What a page may name, checked against the lab definition: the lab's own nodes and steps, and for
 * the editor only files under /etc/keepalived/ on the lab's load balancers.
 */
import path from 'node:path';
import { actionOf, isRunnerAction } from '../kinds/registry.ts';
import { roleOf, type LabDefinition, type NodeName, type StepDefinition } from '../lab/definition.ts';
import type { ServerMessage } from '../shared/protocol.ts';
import { RequestError } from './request-error.ts';

export const EDITABLE_DIR = '/etc/keepalived/';

/** Characters a file name in the editor may use: enough for any config or script, nothing a shell interprets. */
const SAFE_PATH = /^[A-Za-z0-9._+@=,/-]+$/;

export function requireNode(lab: LabDefinition, node: string): NodeName {
  if (!(lab.nodes as string[]).includes(node)) {
    throw new RequestError(`Lab ${lab.id} has no node "${node}": its nodes are ${lab.nodes.join(', ')}.`);
  }
  return node as NodeName;
}

export function requireStep(lab: LabDefinition, stepId: string): StepDefinition {
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) throw new RequestError(`Lab ${lab.id} has no step "${stepId}": its steps are ${lab.steps.map((s) => s.id).join(', ')}.`);
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
    throw new RequestError(`Only the load balancers' files can be edited here (${editableNodes(lab).join(', ')}), not ${n}'s: use ${n}'s terminal.`);
  }
  return n;
}

export function editablePath(filePath: string): string {
  if (filePath.includes('\0')) throw new RequestError('A file path cannot contain a NUL character.');
  if (filePath.split('/').includes('..')) throw new RequestError(`"${filePath}" contains "..": name a file under ${EDITABLE_DIR} directly.`);
  const normalised = path.posix.normalize(filePath);
  if (!normalised.startsWith(EDITABLE_DIR) || normalised.length === EDITABLE_DIR.length || normalised.endsWith('/')) {
    throw new RequestError(`"${filePath}" is not a file under ${EDITABLE_DIR}: the editor only opens keepalived's files (e.g. ${EDITABLE_DIR}keepalived.conf).`);
  }
  if (!SAFE_PATH.test(normalised)) {
    throw new RequestError(`"${filePath}" has characters the editor does not accept: use letters, digits and . _ - + @ = , in file names.`);
  }
  return normalised;
}

/** The welcome message: what the page needs to draw the lab (steps, which of them the runner performs, editor tabs). */
export function welcomeFor(lab: LabDefinition): Extract<ServerMessage, { type: 'welcome' }> {
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
  };
}

/** The action a page may ask the runner to do for a step: only the kinds performed by the runner (faults, mostly what a terminal cannot do). */
export function requireRunnerAction(lab: LabDefinition, stepId: string): StepDefinition {
  const step = requireStep(lab, stepId);
  if (!isRunnerAction(actionOf(step.do).kind)) {
    throw new RequestError(`Step "${step.id}" is done in a terminal, not by the runner: type its commands, then press Check.`);
  }
  return step;
}

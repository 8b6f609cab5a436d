/**
 * The runner's own sentences to a page (a lab's status, a refused request, a classroom's join
 * errors) as values: a stable code and its params, with the English rendered here. The wire keeps
 * the English in `message` and adds the value as `sentence`, so a page in another language words it
 * itself (runner/i18n/zh/sentences.ts) and an older page still reads the English.
 *
 * A sentence that wraps another program's words (Docker's, a shell's, a parser's) keeps them as a
 * param (`error`): they are quoted as they came, in whatever language they are.
 *
 * Pure TypeScript with no Node imports: the site's theme imports this file. A test
 * (test/unit/sentences-zh.test.ts) names every code here without Chinese text.
 */

/** What params may hold: plain data a renderer in any language can word. */
export type SentenceParam = string | number | readonly string[];

/** A sentence as the wire carries it (a code this page may not know yet: its readers check). */
export interface SentenceData {
  code: string;
  params: { readonly [key: string]: SentenceParam };
}

type NoParams = Record<string, never>;

// ---- a lab copy's lifecycle (lab.state) ----

const LIFECYCLE = {
  'lab-starting': (p: { nodes: readonly string[]; subnet: string }) => `starting ${p.nodes.join(', ')} on ${p.subnet}`,
  /** A start progress line (runner/engine/lab-instance.ts): a copy of the same name was still there. */
  'leftovers-removed': (p: { count: number; instance: string }) => `removed ${p.count} leftover object(s) of an earlier ${p.instance} run`,
  /** A start progress line (runner/engine/start-slots.ts): the engine is starting other copies first. */
  'start-queued': (p: { ahead: number }) => `waiting for ${p.ahead} other lab start(s) on this engine`,
  'lab-started': (p: { subnet: string; ms: number }) => `running on ${p.subnet} (started in ${(p.ms / 1000).toFixed(1)} s)`,
  'lab-stopping': (p: { nodes: readonly string[] }) => `stopping: removing ${p.nodes.join(', ')}`,
  /** The start failed with an error of the runner's own: its sentence, whole. */
  'start-refused': (p: { error: string }) => p.error,
  /** The start failed with an error from below (the engine, the network). */
  'start-failed': (p: { error: string }) => `The lab could not start: ${p.error}`,
  /** A classroom copy removed by its idle timeout or its lifetime (runner/classroom/classroom.ts). */
  'lab-removed-idle': (p: { minutes: number }) =>
    `The lab was removed after ${p.minutes} min without activity: press Start for a fresh copy (your progress is kept).`,
  'lab-removed-lifetime': (p: { minutes: number }) =>
    `The lab was removed: it reached its time limit of ${p.minutes} min. Press Start for a fresh copy (your progress is kept).`,
  'lab-still-starting': (p: { lab: string }) => `Lab ${p.lab} is still starting: wait for it to run.`,
  'lab-not-running': (p: { lab: string; status: string }) => `Lab ${p.lab} is ${p.status}: start it first.`,
  /** A check that threw before a verdict (not a failed step: no diagnosis). */
  'check-could-not-run': (p: { error: string }) => `The check could not run: ${p.error}`,
};

// ---- terminals ----

const TERMINALS = {
  'node-frozen-terminal': (p: { node: string }) => `${p.node} is frozen: unfreeze it before opening its terminal.`,
  'shell-failed': (p: { node: string; error: string }) => `Could not open a shell on ${p.node}: ${p.error}.`,
  'terminal-not-open': (p: { node: string }) => `${p.node}'s terminal is not open: send term.open first.`,
  'terminal-ended': (p: { node: string }) => `${p.node}'s terminal is not open: open it again (term.open).`,
  'terminal-stopped-while-opening': (p: { node: string }) => `The lab was stopped while ${p.node}'s terminal was opening.`,
};

// ---- the editor's files (runner/server/lab-files.ts) ----

const FILES = {
  'file-stat-failed': (p: { path: string; node: string; error: string }) => `Could not look at ${p.path} on ${p.node} (is the node frozen?): ${p.error}.`,
  'file-mode-unreadable': (p: { path: string; node: string; said: string }) => `Could not read the mode of ${p.path} on ${p.node}: stat said "${p.said}".`,
  /** `kind`: stat's %F ("directory", "fifo", "socket"...). */
  'file-not-regular': (p: { path: string; node: string; kind: string }) => `${p.path} on ${p.node} is a ${p.kind}, not a file the editor can open.`,
  'file-too-large': (p: { path: string; node: string; bytes: number; limitKiB: number }) =>
    `${p.path} on ${p.node} is ${p.bytes} bytes, more than the editor's ${p.limitKiB} KiB: use the terminal.`,
  'file-read-failed': (p: { path: string; node: string; error: string }) => `Could not read ${p.path} on ${p.node}: ${p.error}.`,
  'file-save-not-regular': (p: { path: string; node: string; kind: string }) => `${p.path} on ${p.node} is a ${p.kind}: the editor only saves regular files.`,
  'file-save-failed': (p: { path: string; node: string; error: string }) => `Could not save ${p.path} on ${p.node}: ${p.error}.`,
};

// ---- what a page may name (runner/server/lab-rules.ts) ----

const NAMES = {
  'unknown-lab': (p: { lab: string; labs: readonly string[] }) => `Unknown lab "${p.lab}": choose one of ${p.labs.join(', ') || '(none found in labs/)'}.`,
  /** A lab whose lab.yaml does not load: the loader's sentence, whole. */
  'lab-definition-invalid': (p: { lab: string; error: string }) => p.error,
  'unknown-node': (p: { lab: string; node: string; nodes: readonly string[] }) => `Lab ${p.lab} has no node "${p.node}": its nodes are ${p.nodes.join(', ')}.`,
  'unknown-step': (p: { lab: string; step: string; steps: readonly string[] }) => `Lab ${p.lab} has no step "${p.step}": its steps are ${p.steps.join(', ')}.`,
  'not-editable-node': (p: { node: string; editable: readonly string[] }) =>
    `Only the load balancers' files can be edited here (${p.editable.join(', ')}), not ${p.node}'s: use ${p.node}'s terminal.`,
  'path-nul': (_: NoParams) => 'A file path cannot contain a NUL character.',
  'path-dotdot': (p: { path: string; dir: string }) => `"${p.path}" contains "..": name a file under ${p.dir} directly.`,
  'path-outside': (p: { path: string; dir: string }) =>
    `"${p.path}" is not a file under ${p.dir}: the editor only opens keepalived's files (e.g. ${p.dir}keepalived.conf).`,
  'path-characters': (p: { path: string }) => `"${p.path}" has characters the editor does not accept: use letters, digits and . _ - + @ = , in file names.`,
  'step-not-runner-action': (p: { step: string }) => `Step "${p.step}" is done in a terminal, not by the runner: type its commands, then press Check.`,
  /** `kalab start --no-solutions` (an exam): the page shows hints, not the reference solution. */
  'solutions-off': (_: NoParams) => 'This workbench does not show the reference solution (started with --no-solutions): use the step\'s hint.',
};

// ---- the socket (runner/server/connection.ts, lab-hub.ts) ----

const SOCKET = {
  'binary-message': (_: NoParams) => 'Send JSON text messages, not binary ones.',
  /** A message that does not parse (runner/server/client-messages.ts): its sentence, whole. */
  'bad-message': (p: { error: string }) => p.error,
  'runner-failed': (p: { type: string; error: string }) => `The runner could not do ${p.type}: ${p.error}`,
  'instructor-sends-class': (p: { type: string }) => `The instructor page sends class.* messages, not ${p.type}: open a lab page to work in a lab.`,
  'hello-first': (p: { type: string }) => `Send hello with a lab first (got ${p.type}).`,
  'instructor-only': (_: NoParams) => 'Only the instructor page may send class messages: open the instructor URL kalab printed.',
  'no-lab-to-watch': (p: { learner: string; lab: string }) => `Learner ${p.learner} has no ${p.lab} lab to watch.`,
  'workbench-closing': (_: NoParams) => 'The workbench is shutting down.',
};

// ---- a class (runner/classroom/classroom.ts, http-routes.ts) ----

const CLASSROOM = {
  'no-such-copy': (p: { learner: string; lab: string }) => `Learner ${p.learner} has no ${p.lab} lab.`,
  'class-full-labs': (p: { running: number; max: number }) =>
    `The class is full (${p.running} of ${p.max} labs running): stop a lab you no longer use, or ask your instructor.`,
  'join-wrong-code': (_: NoParams) => "That join code is not this class's: ask your instructor for the code on the screen.",
  'join-bad-name': (_: NoParams) => 'Enter your name (1 to 40 characters, no < or >) to join.',
  'join-class-full': (p: { joined: number; max: number }) => `The class is full (${p.joined} of ${p.max} learners): ask your instructor to make room.`,
  'join-too-large': (_: NoParams) => 'The join request is too large: send a name and a code.',
  'join-not-json': (_: NoParams) => 'Send the join request as JSON: {"name": "...", "code": "..."}.',
  'join-missing-fields': (_: NoParams) => 'Give your name and the join code.',
  'join-use-post': (_: NoParams) => 'Join with POST /api/join {"name", "code"}.',
  'instructor-wrong-key': (_: NoParams) => "That instructor key is not this class's: open the instructor URL kalab printed.",
  'no-such-learner': (p: { learner: string }) => `No learner ${p.learner} in this class.`,
  'no-such-export': (_: NoParams) => 'No such instructor export.',
};

/** Every code's English renderer. */
export const EN_SENTENCES = { ...LIFECYCLE, ...TERMINALS, ...FILES, ...NAMES, ...SOCKET, ...CLASSROOM };

export type SentenceCode = keyof typeof EN_SENTENCES;
export type SentenceParams<C extends SentenceCode> = Parameters<(typeof EN_SENTENCES)[C]>[0];
/** A sentence whose params fit its code. */
export type Sentence = { [C in SentenceCode]: { code: C; params: SentenceParams<C> } }[SentenceCode];

/** Renderers for every code, in some language (the zh twin is held to this shape). */
export type SentenceRenderers = { readonly [C in SentenceCode]: (params: SentenceParams<C>) => string };

export const SENTENCE_CODES = Object.keys(EN_SENTENCES) as SentenceCode[];

export function isSentenceCode(code: string): code is SentenceCode {
  return Object.prototype.hasOwnProperty.call(EN_SENTENCES, code);
}

/** The sentence `code` says with `params`. */
export function say<C extends SentenceCode>(code: C, params: SentenceParams<C>): Sentence {
  return { code, params } as Sentence;
}

/** A sentence in the language `renderers` speak. */
export function renderWith(renderers: SentenceRenderers, s: Sentence): string {
  const render = renderers[s.code] as (params: SentenceData['params']) => string;
  return render(s.params);
}

/** The English text of a sentence: what `message` carries beside it. */
export function renderSentence(s: Sentence): string {
  return renderWith(EN_SENTENCES, s);
}

/** What a message says: the English, and the sentence when the runner has one. */
export interface Said {
  message: string;
  sentence?: Sentence;
}

export function said(s: Sentence): Said {
  return { message: renderSentence(s), sentence: s };
}

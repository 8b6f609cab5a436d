/**
 * "A mail from X announcing STATE": after the step's action, the lab's mail node receives a mail
 * that is from X (Postfix recorded X's address as the SMTP client, or X's hostname is in the
 * subject) and announces the state (subject or body contains it, in any case), within `withinMs`.
 * The observer follows the mailbox and records each mail as an event; this check waits on those
 * events. A notify script that runs `mail` and keepalived's own smtp_alert both pass.
 */
import { z } from 'zod';
import type { LabEvent, MailEvent } from '../../shared/events.ts';
import { verdict, type StepTiming } from '../../grade/check.ts';
import { defineDiagnoses } from '../../grade/diagnosis.ts';
import { collectLbFacts } from '../../grade/facts.ts';
import { explainNoMail, MAILER_DIAGNOSES, probeMailers } from '../../grade/notify-diagnosis.ts';
import { until } from '../../grade/wait/until.ts';
import { waitFor } from '../../grade/wait/wait-for.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';

/**
 * Without a known action start (the learner did the action), a mail counts from the moment the node
 * last entered the state, less this much: the keepalived log and the mailbox are followed separately.
 */
const LOG_SKEW_MS = 1000;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A mail as a message describes it: who sent it (a lab node, else the SMTP client's address) and what it said. */
export interface MailLike {
  sender?: NodeName | null;
  client?: string | null;
  subject: string;
  body: string;
}
/** A mail in a diagnosis' params: plain data, the body cut to what a message shows. */
type MailSummary = { sender: NodeName | null; client: string | null; subject: string; body: string };

/** From `node`: Postfix recorded its address, or its hostname (the node name) is a word of the subject. */
export function mailIsFrom(mail: Pick<MailEvent, 'sender' | 'subject'>, node: NodeName): boolean {
  if (mail.sender === node) return true;
  return new RegExp(`(^|[^a-z0-9-])${escapeRegExp(node)}($|[^a-z0-9-])`, 'i').test(mail.subject);
}

/** Announces `state`: the subject or the body contains it, in any case. */
export function mailAnnounces(mail: Pick<MailEvent, 'subject' | 'body'>, state: string): boolean {
  const wanted = state.toLowerCase();
  return mail.subject.toLowerCase().includes(wanted) || mail.body.toLowerCase().includes(wanted);
}

export function findAnnouncement<M extends Pick<MailEvent, 'sender' | 'subject' | 'body'>>(mails: readonly M[], from: NodeName, state: string): M | undefined {
  return mails.find((m) => mailIsFrom(m, from) && mailAnnounces(m, state));
}

const firstLine = (body: string) => body.split('\n')[0]!.slice(0, 80);

function summary(m: MailEvent): MailSummary {
  return { sender: m.sender ?? null, client: m.client ?? null, subject: m.subject, body: firstLine(m.body) };
}

/** `lb1 (10.88.5.11): "lb1 to be backup: 10.88.5.100 floating"` */
export function describeMail(m: MailLike): string {
  const who = m.sender ? `${m.sender} (${m.client})` : m.client ? m.client : 'an unknown sender';
  const what = m.subject ? `"${m.subject}"` : `no subject, body "${firstLine(m.body)}"`;
  return `${who}: ${what}`;
}

/** The newest few mails, newest last, for a failure message. */
export function describeArrivals(mails: readonly MailLike[], limit = 4): string {
  const shown = mails.slice(-limit).map(describeMail);
  const more = mails.length > limit ? `${mails.length - limit} earlier, then ` : '';
  return `${more}${shown.join('; ')}`;
}

/**
 * Where the step's mail may start: the action's start when the runner did it. For a learner's own
 * action (the browser's Check) the node's last entry into the state stands in for it (the mail
 * follows that transition), else its last keepalived start, else the whole timeline.
 */
export function mailWindowStart(timing: Pick<StepTiming, 'startedAt'>, timeline: readonly LabEvent[], from: NodeName, state: string): number {
  if (timing.startedAt !== undefined) return timing.startedAt;
  const last = <T extends LabEvent>(pred: (e: LabEvent) => e is T) => timeline.filter(pred).pop();
  const entered = last((e): e is Extract<LabEvent, { type: 'vrrp' }> => e.type === 'vrrp' && e.node === from && e.state === state.toUpperCase());
  if (entered) return entered.t - LOG_SKEW_MS;
  const started = last((e): e is Extract<LabEvent, { type: 'keepalived' }> => e.type === 'keepalived' && e.node === from && e.running);
  return started?.t ?? 0;
}

const isMail = (e: LabEvent): e is MailEvent => e.type === 'mail';

const DIAGNOSES = defineDiagnoses({
  'mail-received': (p: { mail: MailSummary; afterMs: number }) =>
    `The mail node received a mail from ${describeMail(p.mail)}, ${(p.afterMs / 1000).toFixed(1)} s after the action began.`,
  /** Its one cause is mail-not-sent: why the node's mailers sent nothing. */
  'mail-missing': (p: { from: NodeName; state: string; withinMs: number; arrivals: MailSummary[] }, causes) => {
    const { arrivals } = p;
    const arrived = arrivals.length === 0 ? 'no mail arrived at all' : `it received ${arrivals.length === 1 ? 'only ' : ''}${describeArrivals(arrivals)}`;
    return `No mail from ${p.from} announcing ${p.state.toUpperCase()} reached the mail node within ${(p.withinMs / 1000).toFixed(0)} s of the action: ${arrived}. ${causes.join(' ')}`;
  },
});

export const mailAnnouncement = defineExpectation({
  kind: 'mail-announces',
  description: 'Within `withinMs` (default 15 s) of the action, a mail from node `from` reaches the mail node with `state` (any case) in its subject or body.',
  params: z.object({ from: nodeNameSchema, state: z.string().min(1), withinMs: z.number().int().positive().default(15000) }).strict(),
  nodes: ({ from }) => [from],
  diagnoses: [DIAGNOSES, MAILER_DIAGNOSES],
  check: ({ from, state, withinMs }) => ({
    label: `a mail from ${from} announcing ${state.toUpperCase()} within ${withinMs / 1000} s`,
    async judge({ lab, observer, timing, signal }) {
      const since = mailWindowStart(timing, observer.timeline(), from, state);
      const mails = () => observer.timeline(since).filter(isMail);
      const announced = () => findAnnouncement(mails(), from, state);
      // A mail is final once it is there: judged at each recorded event, up to the deadline.
      const result = await waitFor(until(observer, () => announced() !== undefined), { deadline: timing.actionAt + withinMs, ...(signal ? { signal } : {}) });
      const found = announced();
      if (result.ended === 'done' && found) {
        return verdict(true, DIAGNOSES.say('mail-received', { mail: summary(found), afterMs: found.t - (timing.startedAt ?? timing.actionAt) }));
      }
      // Read the node again: what it looks like now explains the failure best.
      const facts = await collectLbFacts(lab, observer);
      const why = explainNoMail(await probeMailers(lab, facts, from, state));
      return verdict(false, DIAGNOSES.say('mail-missing', { from, state, withinMs, arrivals: mails().map(summary) }, [why]));
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    'mail-announces': typeof mailAnnouncement;
  }
}

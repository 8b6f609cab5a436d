/**
 * "A mail from X announcing STATE": after the step's action, the lab's mail node receives a mail
 * that is from X (Postfix recorded X's address as the SMTP client, or X's hostname is in the
 * subject) and announces the state (subject or body contains it, in any case), within `withinMs`.
 * The observer follows the mailbox and records each mail as an event; this check waits on those
 * events. A notify script that runs `mail` and keepalived's own smtp_alert both pass.
 */
import type { NodeName } from '../../lab/definition.ts';
import type { LabEvent, MailEvent } from '../../shared/events.ts';
import type { Check, CheckContext, CheckResult, StepTiming } from '../check.ts';
import { collectLbFacts } from '../facts.ts';
import { explainNoMail, probeMailers } from '../notify-diagnosis.ts';
import { awaitCondition } from '../wait.ts';

/**
 * Without a known action start (the learner did the action), a mail counts from the moment the node
 * last entered the state, less this much: the keepalived log and the mailbox are followed separately.
 */
const LOG_SKEW_MS = 1000;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

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

/** `lb1 (10.88.5.11): "lb1 to be backup: 10.88.5.100 floating"` */
export function describeMail(m: Pick<MailEvent, 'sender' | 'client' | 'subject' | 'body'>): string {
  const who = m.sender ? `${m.sender} (${m.client})` : m.client ? m.client : 'an unknown sender';
  const what = m.subject ? `"${m.subject}"` : `no subject, body "${m.body.split('\n')[0]!.slice(0, 80)}"`;
  return `${who}: ${what}`;
}

/** The newest few mails, newest last, for a failure message. */
export function describeArrivals(mails: readonly Pick<MailEvent, 'sender' | 'client' | 'subject' | 'body'>[], limit = 4): string {
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

export function mailAnnouncement(from: NodeName, state: string, withinMs: number): Check {
  const upper = state.toUpperCase();
  return {
    label: `a mail from ${from} announcing ${upper} within ${withinMs / 1000} s`,
    async judge({ lab, observer, timing, signal }: CheckContext): Promise<CheckResult> {
      const since = mailWindowStart(timing, observer.timeline(), from, state);
      const mails = () => observer.timeline(since).filter(isMail);
      const deadline = timing.actionAt + withinMs;
      // A mail is final once it is there: judged at each recorded event, up to the deadline.
      const result = await awaitCondition(observer, () => findAnnouncement(mails(), from, upper) !== undefined, {
        notBefore: Date.now(),
        deadline,
        ...(signal ? { signal } : {}),
      });
      const seen = mails();
      const found = findAnnouncement(seen, from, upper);
      if (result.ok && found) {
        const after = (found.t - (timing.startedAt ?? timing.actionAt)) / 1000;
        return { passed: true, message: `The mail node received a mail from ${describeMail(found)}, ${after.toFixed(1)} s after the action began.` };
      }

      const within = `within ${(withinMs / 1000).toFixed(0)} s of the action`;
      const arrived = seen.length === 0 ? 'no mail arrived at all' : `it received ${seen.length === 1 ? 'only ' : ''}${describeArrivals(seen)}`;
      // Read the node again: what it looks like now explains the failure best.
      const facts = await collectLbFacts(lab, observer);
      const why = explainNoMail(await probeMailers(lab, facts, from, state));
      return { passed: false, message: `No mail from ${from} announcing ${upper} reached the mail node ${within}: ${arrived}. ${why}` };
    },
  };
}

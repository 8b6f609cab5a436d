/**
 * The lab page's timeline: the runner's events turned into lines a learner reads ("12:00:03.412
 * lb2 took the VIP"). Adverts arrive every advert_int from each node, far too chatty for a list,
 * so only a change in a node's advertised priority becomes a line (100 → 70 → 80 in seed 000).
 */
import type { LabEvent } from '../../../../runner/shared/events.ts';
import { describeFiguresZh } from '../../../../runner/i18n/zh/failover.ts';
import { describeFigures } from '../../../../runner/shared/failover-text.ts';
import { translator, uiLang } from './strings.ts';

export type TimelineKind = 'vip' | 'node' | 'vrrp' | 'keepalived' | 'priority' | 'mail' | 'observer' | 'failover';

export interface TimelineEntry {
  key: string;
  t: number;
  node: string;
  kind: TimelineKind;
  text: string;
}

/** Lines kept on the page; older ones scroll away (a lab left running all afternoon). */
export const TIMELINE_LIMIT = 500;

/** HH:MM:SS.mmm in the browser's time zone. */
export function formatClock(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** The line for an event, in the page's language (`lang`: VitePress's "en-US", "zh-CN"; English by default). */
export function describeEvent(event: LabEvent, previousPriority?: number, lang?: string): string | null {
  const t = translator(lang);
  const node = event.node;
  switch (event.type) {
    case 'vip': {
      // Which VIP, when the runner says (master-master's two are told apart by their address).
      const vip = event.address ? t('tl.vipAt', { address: event.address }) : t('tl.vip');
      return event.held ? t('tl.took', { node, vip, iface: event.iface }) : t('tl.released', { node, vip });
    }
    case 'node':
      return event.state === 'frozen' ? t('tl.frozen', { node }) : event.state === 'running' ? t('tl.running', { node }) : t('tl.stopped', { node });
    case 'vrrp':
      return `${event.node} ${event.instance} → ${event.state}`;
    case 'keepalived':
      return event.running ? t('tl.keepalivedStarted', { node }) : t('tl.keepalivedStopped', { node });
    case 'mail':
      return t('tl.mail', { sender: event.sender ?? event.client ?? t('tl.unknownSender'), subject: event.subject || t('tl.noSubject') });
    case 'observer':
      return event.seeing ? t('tl.seesAgain', { node }) : t('tl.lostSight', { node, watchers: event.watchers.join(', ') });
    case 'advert':
      if (previousPriority === undefined) return t('tl.advert', { node, priority: event.priority });
      if (previousPriority === event.priority) return null;
      return t('tl.advertWas', { node, priority: event.priority, previous: previousPriority });
    case 'failover':
      // What the users of the VIP lost in the step, as the grader measured it.
      return t('tl.failover', { step: event.step, figures: uiLang(lang) === 'zh' ? describeFiguresZh(event) : describeFigures(event) });
    default:
      return null;
  }
}

/** The line's kind: an advert line is about a priority; the client probe's requests make no line. */
function kindOf(event: LabEvent): TimelineKind | null {
  if (event.type === 'advert') return 'priority';
  if (event.type === 'http') return null;
  return event.type;
}

const SEEN_LIMIT = 20_000;

function eventKey(event: LabEvent): string {
  return JSON.stringify(event);
}

/**
 * Turns a stream of events (the history on connect, then one at a time) into timeline lines,
 * ignoring events it has already seen (a reconnect replays the whole history).
 */
export class TimelineBuilder {
  /** `lang`: the page's language, which the lines are worded in (English by default). */
  constructor(private readonly lang?: string) {}

  private readonly seen = new Set<string>();
  private readonly priorities = new Map<string, number>();
  private newest = 0;

  reset(): void {
    this.seen.clear();
    this.priorities.clear();
    this.newest = 0;
  }

  /** Lines for the events not seen before, oldest first. */
  add(events: readonly LabEvent[]): TimelineEntry[] {
    const fresh = events.filter((e) => !this.seen.has(eventKey(e))).sort((a, b) => a.t - b.t);
    const out: TimelineEntry[] = [];
    for (const event of fresh) {
      const key = eventKey(event);
      this.seen.add(key);
      let previous: number | undefined;
      if (event.type === 'advert') {
        // An advert older than the newest one seen cannot be a change of "latest" priority.
        // Per node and virtual router: master-master's two streams each change on their own.
        const stream = `${event.node} ${event.vrid}`;
        if (event.t < this.newest && this.priorities.has(stream)) continue;
        previous = this.priorities.get(stream);
        this.priorities.set(stream, event.priority);
      }
      this.newest = Math.max(this.newest, event.t);
      const text = describeEvent(event, previous, this.lang);
      const kind = kindOf(event);
      if (text === null || kind === null) continue;
      out.push({ key, t: event.t, node: event.node, kind, text });
    }
    // Bound the dedupe set on a long session: forget the oldest keys. The runner replays at most its
    // own timeline limit (5000 events), all newer than what is forgotten here.
    for (const key of this.seen) {
      if (this.seen.size <= SEEN_LIMIT) break;
      this.seen.delete(key);
    }
    return out;
  }
}

/** Append fresh lines to a timeline kept oldest-first and trim it to the limit, in place. */
export function appendTimeline(timeline: TimelineEntry[], fresh: readonly TimelineEntry[], limit = TIMELINE_LIMIT): void {
  if (fresh.length === 0) return;
  const lastT = timeline.length ? timeline[timeline.length - 1]!.t : -Infinity;
  timeline.push(...fresh);
  // Out-of-order arrival (rare: watchers of different nodes) keeps the list sorted.
  if (fresh[0]!.t < lastT) timeline.sort((a, b) => a.t - b.t);
  if (timeline.length > limit) timeline.splice(0, timeline.length - limit);
}

/**
 * The grader's continuous client: `kalab-probe` (docker/node) in the client's eyes, where no
 * solution and no learner can reach it, sends `GET http://<VIP>/` every 50 ms without waiting for
 * the answer before, each request given up after 500 ms, and prints a line for each request as it
 * is sent and one as it ends. A step runs it from just before its action until its verdict: what the users of the VIP
 * lost while it moved is measured from these answers (runner/grade/failover-figures.ts), and only
 * then, so the cost is twenty small requests a second for the length of a step.
 *
 * `parseProbeLine` reads one line (a pure function, pinned by unit tests); `ClientProbe` runs the
 * probe, keeps its answers and hands each out as an event, as the observer hands out its own.
 */
import { EventEmitter } from 'node:events';
import type { LabInstance } from '../engine/lab-instance.ts';
import { execLines, type LineStream } from '../engine/exec.ts';
import type { HttpEvent, LabEvent } from '../shared/events.ts';

/** Twenty requests a second: an outage is measured to 50 ms, a request costs the eyes next to nothing. */
export const PROBE_INTERVAL_MS = 50;
/** A LAN answers in a millisecond or two; a request unanswered after this is lost to its user. */
export const PROBE_TIMEOUT_MS = 500;
/** The probe ends by itself after this long, should the runner that started it be gone. */
const PROBE_MAX_S = 900;
/** Started, the probe's first request has ended within its timeout and a little more. */
const FIRST_ANSWER_WAIT_MS = PROBE_TIMEOUT_MS + 500;

const RESULTS = new Set<HttpEvent['result']>(['ok', 'timeout', 'refused', 'unreachable', 'error', 'closed']);

/** `P <sent ms> <ended ms> <result> <status> <node|->` → the request as an event; anything else → undefined. */
export function parseProbeLine(line: string): HttpEvent | undefined {
  const m = /^P (\d+) (\d+) ([a-z]+) (\d{1,3}) (\S+)$/.exec(line.trim());
  if (!m || !RESULTS.has(m[3] as HttpEvent['result'])) return undefined;
  const node = m[5]!;
  return {
    type: 'http',
    t: Number(m[1]),
    end: Number(m[2]),
    node: 'client',
    result: m[3] as HttpEvent['result'],
    status: Number(m[4]),
    ...(node !== '-' ? { answeredBy: node } : {}),
  };
}

/** `S <sent ms>` → when a request was sent; anything else → undefined. */
export function parseSentLine(line: string): number | undefined {
  const m = /^S (\d+)$/.exec(line.trim());
  return m ? Number(m[1]) : undefined;
}

/** An answer the user would call one: an HTTP answer that is not a server error. */
export function isAnswer(request: HttpEvent): boolean {
  return request.result === 'ok' && request.status < 500;
}

export class ClientProbe {
  private readonly emitter = new EventEmitter();
  private readonly requests: HttpEvent[] = [];
  /** Requests sent and not yet ended, by when they were sent. */
  private readonly out = new Set<number>();
  private stopped = false;

  private constructor(private readonly stream: LineStream) {}

  /** Start probing `url` from the client's eyes; resolves once the probe runs. */
  static async start(lab: LabInstance, url: string): Promise<ClientProbe> {
    let probe: ClientProbe | undefined;
    const early: string[] = [];
    const stream = await execLines(lab.eyes('client'), `/usr/local/sbin/kalab-probe ${url} ${PROBE_INTERVAL_MS} ${PROBE_TIMEOUT_MS} ${PROBE_MAX_S}`, (line) => {
      if (probe) probe.read(line);
      else early.push(line);
    });
    probe = new ClientProbe(stream);
    for (const line of early) probe.read(line);
    return probe;
  }

  /** Every request that has ended so far, in the order they ended. */
  answers(): HttpEvent[] {
    return [...this.requests];
  }

  /** How many requests are out: sent, and neither answered nor given up yet. */
  outstanding(): number {
    return this.out.size;
  }

  /** Each request as it ends, in the shape of the lab's events (a wait can watch both sources). */
  onEvent(listener: (event: LabEvent) => void): () => void {
    this.emitter.on('request', listener);
    return () => this.emitter.off('request', listener);
  }

  /** Resolves once one request has ended (or a little after the probe's timeout, if none has). */
  async firstAnswer(signal?: AbortSignal): Promise<void> {
    if (this.requests.length > 0 || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, FIRST_ANSWER_WAIT_MS);
      const off = this.onEvent(done);
      signal?.addEventListener('abort', done);
    });
  }

  /** Stop the probe in the eyes; the requests seen so far stay readable. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.emitter.removeAllListeners();
    await this.stream.stop();
  }

  private read(line: string): void {
    if (this.stopped) return;
    const sent = parseSentLine(line);
    if (sent !== undefined) {
      this.out.add(sent);
      return;
    }
    const request = parseProbeLine(line);
    if (!request) return;
    this.out.delete(request.t);
    this.requests.push(request);
    this.emitter.emit('request', request);
  }
}

/**
 * The runner sends its own sentences as values beside their English (runner/shared/sentences.ts):
 * a socket's `error`, a lab's `lab.state` as it starts and fails, a check that could not run, and
 * the classroom's HTTP errors. The English `message` stays what older pages read. No Docker: the
 * engine refuses, the grader is stubbed, the socket and the HTTP exchange are stand-ins.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { WebSocket } from 'ws';

vi.mock('../../runner/grade/step-runner.ts', () => ({
  judgeStep: vi.fn(() => Promise.reject(new Error('exec lb1: container is paused'))),
  performAction: vi.fn(),
}));

const { Connection } = await import('../../runner/server/connection.ts');
const { LabHub } = await import('../../runner/server/lab-hub.ts');
const { LiveLab } = await import('../../runner/server/live-lab.ts');
const { loadLab } = await import('../../runner/lab/registry.ts');
const { KalabError } = await import('../../runner/shared/errors.ts');
const { ClassroomStore } = await import('../../runner/classroom/store.ts');
const { Classroom } = await import('../../runner/classroom/classroom.ts');
const { handleClassroomRequest } = await import('../../runner/classroom/http-routes.ts');
type ServerMessage = import('../../runner/shared/protocol.ts').ServerMessage;
type LabState = Extract<ServerMessage, { type: 'lab.state' }>;

/** The part of a ws WebSocket a Connection uses. */
class FakeWs extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: ServerMessage[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data) as ServerMessage);
  }
  close() {
    this.readyState = 3;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the socket's errors", () => {
  it('carry their sentence beside the English', async () => {
    const ws = new FakeWs();
    const hub = new LabHub(() => Promise.reject(new Error('no engine in unit tests')), () => undefined);
    new Connection(ws as unknown as WebSocket, { kind: 'single', labs: hub }, () => undefined);
    ws.emit('message', Buffer.from([1, 2]), true);
    ws.emit('message', Buffer.from(JSON.stringify({ type: 'term.open', node: 'lb1', cols: 80, rows: 24 })), false);
    ws.emit('message', Buffer.from(JSON.stringify({ type: 'hello', lab: 'no-such-lab', client: 'c' })), false);
    await tick();
    ws.emit('message', Buffer.from('{"type":"term.open"}'), false); // answered at once, without a dispatch
    const errors = ws.sent.filter((m): m is Extract<ServerMessage, { type: 'error' }> => m.type === 'error');
    expect(errors.map((e) => e.sentence?.code)).toEqual(['binary-message', 'hello-first', 'unknown-lab', 'bad-message']);
    expect(errors[0]!.message).toBe('Send JSON text messages, not binary ones.');
    expect(errors[1]).toEqual({ type: 'error', message: 'Send hello with a lab first (got term.open).', sentence: { code: 'hello-first', params: { type: 'term.open' } } });
    expect(errors[2]!.message).toMatch(/^Unknown lab "no-such-lab": choose one of .*basic-vip/);
    expect(errors[2]!.sentence?.params.labs).toContain('basic-vip');
  });
});

describe("a lab's state as it starts", () => {
  function lab(engineError: Error) {
    const live = new LiveLab(loadLab('basic-vip').definition, () => Promise.reject(engineError), () => undefined);
    const sent: ServerMessage[] = [];
    live.attach({ id: 1, send: (m) => void sent.push(m) });
    const states = () => sent.filter((m): m is LabState => m.type === 'lab.state').slice(1);
    return { live, states };
  }

  it('says starting, then why it failed: an error from below wrapped, the runner’s own as it is', async () => {
    const below = lab(new Error('connect ECONNREFUSED /var/run/docker.sock'));
    await expect(below.live.start()).rejects.toMatchObject({ sentence: { code: 'start-failed' } });
    expect(below.states().map((s) => [s.status, s.message, s.sentence])).toEqual([
      ['starting', 'starting lb1, lb2, web1, web2, client on 10.88.1.0/24', { code: 'lab-starting', params: { nodes: ['lb1', 'lb2', 'web1', 'web2', 'client'], subnet: '10.88.1.0/24' } }],
      ['failed', 'The lab could not start: connect ECONNREFUSED /var/run/docker.sock', { code: 'start-failed', params: { error: 'connect ECONNREFUSED /var/run/docker.sock' } }],
    ]);
    const own = lab(new KalabError('No Docker engine answers: install docker.io.'));
    await expect(own.live.start()).rejects.toThrow('No Docker engine answers: install docker.io.');
    expect(own.states()[1]).toMatchObject({ status: 'failed', message: 'No Docker engine answers: install docker.io.', sentence: { code: 'start-refused' } });
  });

  it('refuses a terminal of a stopped lab with a sentence', () => {
    const { live } = lab(new Error('unused'));
    expect(() => live.terminal('lb1')).toThrow(expect.objectContaining({ message: 'Lab basic-vip is stopped: start it first.', sentence: { code: 'lab-not-running', params: { lab: 'basic-vip', status: 'stopped' } } }));
  });

  it('says a check that could not run as a sentence', async () => {
    const live = new LiveLab(loadLab('basic-vip').definition, () => Promise.reject(new Error('unused')), () => undefined);
    // A running copy, as far as checkStep looks at one (the grader is stubbed to throw).
    const internals = live as unknown as { running: unknown; peers: Set<{ send(m: ServerMessage): void }> };
    internals.running = { instance: {}, observer: { lastActivityAt: () => 0 }, measures: { measureOf: () => undefined }, abort: new AbortController(), terminals: new Map(), unsubscribe: () => undefined };
    const sent: ServerMessage[] = [];
    internals.peers.add({ send: (m) => sent.push(m) });
    await live.checkStep('start');
    const result = sent.find((m): m is Extract<ServerMessage, { type: 'step.result' }> => m.type === 'step.result');
    expect(result?.verdict).toMatchObject({
      passed: false,
      message: 'The check could not run: exec lb1: container is paused',
      sentence: { code: 'check-could-not-run', params: { error: 'exec lb1: container is paused' } },
    });
  });
});

describe("the classroom's HTTP errors", () => {
  async function request(method: string, url: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const store = new ClassroomStore(':memory:');
    const classroom = new Classroom({ store, engine: () => Promise.reject(new Error('unused')), log: () => undefined, maxSessions: 2, idleTimeoutMs: 60_000, lifetimeMs: 600_000, pool: '10.200.0.0/16' });
    const req = Object.assign(Readable.from(body === undefined ? [] : [Buffer.from(JSON.stringify(body))]), { method, url, headers: {} }) as unknown as IncomingMessage;
    let status = 0;
    let text = '';
    const res = {
      headersSent: false,
      writeHead(s: number) {
        status = s;
        return this;
      },
      end(t?: string) {
        text = t ?? '';
        return this;
      },
    } as unknown as ServerResponse;
    await handleClassroomRequest(classroom, store, req, res, false);
    await classroom.closeAll({ keepRunning: true });
    store.close();
    return { status, json: text ? JSON.parse(text) : null };
  }

  it('answer a wrong join code, a join without POST and a join without a name with the English and the sentence', async () => {
    expect(await request('POST', '/api/join', { name: 'Ada', code: 'WRONG1' })).toEqual({
      status: 403,
      json: { error: "That join code is not this class's: ask your instructor for the code on the screen.", sentence: { code: 'join-wrong-code', params: {} } },
    });
    expect(await request('GET', '/api/join')).toEqual({ status: 405, json: { error: 'Join with POST /api/join {"name", "code"}.', sentence: { code: 'join-use-post', params: {} } } });
    expect(await request('POST', '/api/join', { name: 'Ada' })).toMatchObject({ status: 400, json: { sentence: { code: 'join-missing-fields' } } });
  });
});

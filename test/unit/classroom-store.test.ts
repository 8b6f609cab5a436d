/**
 * A classroom keeps each verdict's diagnoses as data (runner/classroom/store.ts), so a reloaded
 * learner's page and the instructor's page word them in their own language: the column round-trips,
 * a class file from before it gains the column without losing a row, and the classroom hands the
 * data back in the learner's progress, their last failure and the class's stuck summary. A real
 * SQLite file in a temp dir; no Docker (no lab is started).
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Classroom, JoinError, latestVerdicts } from '../../runner/classroom/classroom.ts';
import { ClassroomStore, type VerdictRow } from '../../runner/classroom/store.ts';
import type { DiagnosisData } from '../../runner/grade/diagnosis.ts';
import type { Peer } from '../../runner/server/peer.ts';
import { RequestError } from '../../runner/server/request-error.ts';
import type { ServerMessage } from '../../runner/shared/protocol.ts';

const splitBrain: DiagnosisData = {
  code: 'vip-split-brain',
  params: { holders: ['lb1', 'lb2'], vip: '10.88.1.100' },
  causes: [{ code: 'cause-vrid-differs', params: { a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 } }],
};
const heldByOther: DiagnosisData = { code: 'vip-held-by-other', params: { holder: 'lb2', vip: '10.88.1.100', expected: 'lb1' } };
const vipOn: DiagnosisData = { code: 'vip-on-node', params: { node: 'lb1', vip: '10.88.1.100' } };

let dir: string;
let file: string;
const opened: { close(): void }[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kalab-store-'));
  file = path.join(dir, 'class.db');
});
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
  rmSync(dir, { recursive: true, force: true });
});

function openStore(): ClassroomStore {
  const store = new ClassroomStore(file);
  opened.push(store);
  return store;
}

const verdict = (learnerId: string, over: Partial<VerdictRow>): VerdictRow => ({
  learnerId,
  lab: 'basic-vip',
  step: 'start',
  passed: false,
  message: 'Split brain: lb1 and lb2 both hold the VIP 10.88.1.100.',
  code: 'vip-split-brain',
  checkedAt: 1000,
  ms: 900,
  ...over,
});

describe('the verdict store keeps diagnoses as data', () => {
  it('a failed verdict keeps its diagnosis, a passed one its checks', () => {
    const store = openStore();
    const { learner } = store.addLearner('Ada');
    store.addVerdict(verdict(learner.id, { diagnosis: splitBrain }));
    store.addVerdict(verdict(learner.id, { passed: true, code: null, message: 'lb1 holds the VIP.', checkedAt: 2000, diagnoses: [vipOn] }));
    store.addVerdict(verdict(learner.id, { step: 'failover', code: null, message: 'The check could not run.', checkedAt: 3000 }));
    const rows = openStore().verdicts(learner.id, 'basic-vip');
    expect(rows.map((r) => [r.step, r.passed, r.diagnosis, r.diagnoses])).toEqual([
      ['start', false, splitBrain, undefined],
      ['start', true, undefined, [vipOn]],
      ['failover', false, undefined, undefined],
    ]);
    expect(Object.keys(rows[2]!)).not.toContain('diagnosisJson');
  });

  it('adds the column to a class file from before it, keeping every row', () => {
    const old = new Database(file);
    old.exec(`
      CREATE TABLE class (id TEXT PRIMARY KEY, join_code TEXT NOT NULL, instructor_key TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE learner (id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, joined_at INTEGER NOT NULL, last_activity INTEGER NOT NULL);
      CREATE TABLE verdict (id INTEGER PRIMARY KEY AUTOINCREMENT, learner_id TEXT NOT NULL REFERENCES learner(id), lab TEXT NOT NULL, step TEXT NOT NULL,
        passed INTEGER NOT NULL, message TEXT NOT NULL, code TEXT, checked_at INTEGER NOT NULL, ms INTEGER NOT NULL);
      INSERT INTO class VALUES ('c1', 'ABCDEF', 'key', 1);
      INSERT INTO learner VALUES ('l1', 'Ada', 'hash', 1, 1);
      INSERT INTO verdict (learner_id, lab, step, passed, message, code, checked_at, ms) VALUES ('l1', 'basic-vip', 'start', 0, 'old English', 'vip-held-by-none', 5, 6);
    `);
    old.close();

    const store = openStore();
    expect(store.ensureClass().joinCode).toBe('ABCDEF');
    expect(store.verdicts()).toEqual([{ learnerId: 'l1', lab: 'basic-vip', step: 'start', passed: false, message: 'old English', code: 'vip-held-by-none', checkedAt: 5, ms: 6 }]);
    store.addVerdict(verdict('l1', { checkedAt: 7, diagnosis: heldByOther }));
    expect(store.verdicts().map((v) => v.diagnosis)).toEqual([undefined, heldByOther]);
    // Opening it again finds the column there: nothing to add, nothing lost.
    store.close();
    opened.pop();
    expect(openStore().verdicts()).toHaveLength(2);
  });

  it('reads a damaged diagnosis as none (the English message stands)', () => {
    const store = openStore();
    const { learner } = store.addLearner('Ada');
    store.addVerdict(verdict(learner.id, {}));
    const raw = new Database(file);
    raw.prepare('UPDATE verdict SET diagnosis_json = ?').run('{"diagnosis": {"code": 7}');
    raw.close();
    expect(store.verdicts()[0]!.diagnosis).toBeUndefined();
  });

  it("latestVerdicts gives the learner's page each step's newest verdict with its diagnoses", () => {
    const rows = [verdict('l1', { diagnosis: heldByOther }), verdict('l1', { checkedAt: 2000, diagnosis: splitBrain })];
    expect(latestVerdicts(rows)).toEqual([{ step: 'start', passed: false, message: rows[1]!.message, checkedAt: 2000, ms: 900, diagnosis: splitBrain }]);
  });
});

describe('a classroom hands the diagnoses back', () => {
  function classroom(store: ClassroomStore, maxSessions = 4): Classroom {
    const c = new Classroom({
      store,
      engine: () => Promise.reject(new Error('no engine in a unit test')),
      log: () => undefined,
      maxSessions,
      idleTimeoutMs: 60 * 60_000,
      lifetimeMs: 4 * 60 * 60_000,
      pool: '10.200.0.0/16',
    });
    opened.push({ close: () => void c.closeAll({ keepRunning: true }) });
    return c;
  }

  it("in a reloaded learner's progress, their last failure and the class's most frequent diagnosis", () => {
    const store = openStore();
    const ada = store.addLearner('Ada').learner;
    const bob = store.addLearner('Bob').learner;
    store.addVerdict(verdict(ada.id, { diagnosis: splitBrain }));
    store.addVerdict(verdict(bob.id, { checkedAt: 1100, diagnosis: splitBrain }));
    store.addVerdict(verdict(bob.id, { checkedAt: 1200, code: 'vip-held-by-other', message: 'lb2 holds the VIP 10.88.1.100, not lb1.', diagnosis: heldByOther }));
    const c = classroom(store);

    // A page that reloads gets its progress from the store, diagnosis included.
    expect(c.lab(ada, 'basic-vip').progress()).toEqual([expect.objectContaining({ step: 'start', passed: false, diagnosis: splitBrain })]);
    c.lab(bob, 'basic-vip');

    const state = c.state();
    const row = (id: string) => state.learners.find((l) => l.learner === id)!;
    expect(row(ada.id).lastFailure).toEqual({ code: 'vip-split-brain', message: expect.any(String), diagnosis: splitBrain });
    expect(row(bob.id).lastFailure).toEqual({ code: 'vip-held-by-other', message: 'lb2 holds the VIP 10.88.1.100, not lb1.', diagnosis: heldByOther });
    expect(state.stuck).toEqual({ lab: 'basic-vip', step: 'start', learners: 2, diagnosis: { code: 'vip-split-brain', message: expect.any(String), count: 2, data: splitBrain } });
  });

  it('refuses a join with a sentence, and a start beyond the class size too', async () => {
    const store = openStore();
    const learner = store.addLearner('Ada').learner;
    const c = classroom(store, 0);
    const refusal = (() => {
      try {
        c.join('Bob', 'WRONG!');
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(JoinError);
    expect(refusal).toMatchObject({ status: 403, sentence: { code: 'join-wrong-code', params: {} }, message: "That join code is not this class's: ask your instructor for the code on the screen." });

    const seen: ServerMessage[] = [];
    const page: Peer = { id: 1, send: (m) => void seen.push(m) };
    const lab = c.lab(learner, 'basic-vip');
    lab.attach(page);
    const started = await lab.start().catch((err: unknown) => err);
    expect(started).toBeInstanceOf(RequestError);
    expect((started as RequestError).sentence).toEqual({ code: 'class-full-labs', params: { running: 0, max: 0 } });
    const states = seen.filter((m): m is Extract<ServerMessage, { type: 'lab.state' }> => m.type === 'lab.state');
    expect(states.map((s) => [s.status, s.sentence?.code])).toEqual([
      ['stopped', undefined],
      ['starting', 'lab-starting'],
      ['failed', 'class-full-labs'],
    ]);
    expect(states[2]!.message).toBe('The class is full (0 of 0 labs running): stop a lab you no longer use, or ask your instructor.');
  });
});

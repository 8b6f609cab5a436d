/**
 * A class on one workbench: learners join with the class's code and get a session; each learner's
 * lab is a copy of its own (instance `c-<learner>-<lab>`, a subnet from the pool), recorded in the
 * store with every verdict, so that a restarted workbench takes the running copies back and shows
 * the instructor the same class. Limits: how many copies run at once, an idle timeout and a
 * lifetime per copy (with a warning to the learner's page first).
 */
import { LABS_DIR } from '../shared/paths.ts';
import type { ClassLearnerLab, ClassState, StepVerdict } from '../shared/protocol.ts';
import { say, type Sentence } from '../shared/sentences.ts';
import { requireLab, type LabPolicy } from '../server/lab-rules.ts';
import { LiveLab, type EngineProvider } from '../server/live-lab.ts';
import { RequestError } from '../server/request-error.ts';
import { ClassroomStore, type ClassRow, type LearnerRow, type VerdictRow } from './store.ts';
import { stuckSummary } from './stuck.ts';
import type { HotPool } from '../server/hot-pool.ts';
import type { EnginePlacer } from './placement.ts';

export interface ClassroomOptions {
  store: ClassroomStore;
  engine: EngineProvider;
  log: (line: string) => void;
  /** Copies running at once on this host; one more start is "the class is full". */
  maxSessions: number;
  idleTimeoutMs: number;
  lifetimeMs: number;
  /** Subnets for the copies (runner/engine/subnet-pool.ts). */
  pool: string;
  /** Names the engine in the instructor's page. */
  engineName?: string;
  /** Copies started ahead of time, for instant starts. */
  hotPool?: HotPool;
  /** Several engines: where each lab goes (without it, every lab is on `engine`). */
  placer?: EnginePlacer;
  labsDir?: string;
  /** What learners' pages may see (--no-solutions). */
  policy?: LabPolicy;
}

/** The learner's page is warned this long before its copy is removed. */
export const EXPIRY_WARNING_MS = 5 * 60_000;

/** A join error the server turns into an HTTP status (its JSON carries the sentence too). */
export class JoinError extends RequestError {
  constructor(
    sentence: Sentence,
    readonly status: number,
  ) {
    super(sentence);
  }
}

const NAME = /^[^\u0000-\u001f<>]{1,40}$/u;

interface Copy {
  learner: LearnerRow;
  live: LiveLab;
  /** The engine it runs on. */
  engine?: string;
  startedAt?: number;
  lastActivity: number;
  warned?: 'idle' | 'lifetime';
}

export class Classroom {
  readonly info: ClassRow;
  private readonly copies = new Map<string, Copy>();
  private readonly listeners = new Set<(state: ClassState) => void>();
  private readonly sweeper: NodeJS.Timeout;
  private changeQueued = false;
  private closing = false;

  constructor(private readonly opts: ClassroomOptions) {
    this.info = opts.store.ensureClass();
    // Expiry is checked on a beat of its own: a quarter of the idle timeout, at most every 15 s.
    const beat = Math.max(250, Math.min(15_000, Math.floor(opts.idleTimeoutMs / 4), Math.floor(opts.lifetimeMs / 4)));
    this.sweeper = setInterval(() => this.sweep(), beat);
    this.sweeper.unref();
  }

  get joinCode(): string {
    return this.info.joinCode;
  }

  isInstructorKey(key: string | undefined): boolean {
    return key !== undefined && key === this.info.instructorKey;
  }

  /** A learner joins: the name they gave and the class's code; returns their session token. */
  join(name: string, code: string): { learner: LearnerRow; token: string } {
    const trimmed = name.trim();
    if (code.trim().toUpperCase() !== this.info.joinCode) throw new JoinError(say('join-wrong-code', {}), 403);
    if (!NAME.test(trimmed)) throw new JoinError(say('join-bad-name', {}), 400);
    const joined = this.opts.store.learners().length;
    if (joined >= this.opts.maxSessions) throw new JoinError(say('join-class-full', { joined, max: this.opts.maxSessions }), 503);
    const added = this.opts.store.addLearner(trimmed);
    this.changed();
    return added;
  }

  learnerByToken(token: string | undefined): LearnerRow | undefined {
    return token ? this.opts.store.learnerByToken(token) : undefined;
  }

  /** The learner did something on their page: their copies are not idle. */
  touch(learner: LearnerRow, labId?: string): void {
    const now = Date.now();
    this.opts.store.touchLearner(learner.id, now);
    if (labId) {
      const copy = this.copies.get(key(learner.id, labId));
      if (copy) {
        copy.lastActivity = now;
        copy.warned = undefined;
        this.opts.store.touchLab(learner.id, labId, now);
      }
    }
  }

  /** The learner's copy of a lab, made on first use. */
  lab(learner: LearnerRow, labId: string): LiveLab {
    if (this.closing) throw new RequestError(say('workbench-closing', {}));
    const existing = this.copies.get(key(learner.id, labId));
    if (existing) return existing.live;
    const { definition, dir: labDir } = requireLab(labId, this.opts.labsDir ?? LABS_DIR);
    const saved = this.opts.store.labs().find((l) => l.learnerId === learner.id && l.lab === labId);
    const copy: Copy = { learner, lastActivity: saved?.lastActivity ?? Date.now(), live: undefined as unknown as LiveLab };
    // A learner on a lab page will likely press Start: have a copy of it ready.
    this.opts.hotPool?.keepReady(definition);
    copy.live = new LiveLab(definition, this.guardedEngine(copy, key(learner.id, labId), saved?.engine), this.opts.log, {
      instance: saved?.instance ?? `c-${learner.id}-${labId}`,
      pool: this.opts.pool,
      ...(this.opts.hotPool ? { take: () => this.opts.hotPool!.take(labId) } : {}),
      verdicts: latestVerdicts(this.opts.store.verdicts(learner.id, labId)),
      adoptRunning: saved !== undefined,
      expiresAt: () => this.expiryOf(copy)?.at,
      onStarted: (lab, adopted, engine) => {
        copy.engine = engine ?? this.engineName;
        copy.startedAt = adopted ? (saved?.startedAt ?? Date.now()) : Date.now();
        copy.lastActivity = Math.max(copy.lastActivity, adopted ? copy.lastActivity : Date.now());
        this.opts.store.saveLab({ learnerId: learner.id, lab: labId, instance: lab.instance, subnet: lab.addresses.subnet, engine: copy.engine, startedAt: copy.startedAt, lastActivity: copy.lastActivity });
        this.opts.log(`classroom: ${learner.name}'s ${labId} ${adopted ? 'taken back' : 'running'} on ${lab.addresses.subnet}`);
      },
      onReset: () => this.opts.store.clearVerdicts(learner.id, labId),
      onStopped: () => {
        copy.startedAt = undefined;
        this.opts.placer?.release(key(learner.id, labId));
        this.opts.store.removeLab(learner.id, labId);
        this.opts.hotPool?.roomChanged();
      },
      onVerdict: (v, code) => {
        this.opts.store.addVerdict({
          learnerId: learner.id,
          lab: labId,
          step: v.step,
          passed: v.passed,
          message: v.message,
          code: code ?? null,
          checkedAt: v.checkedAt,
          ms: v.ms,
          ...diagnosesOf(v),
        });
        this.changed();
      },
      onChange: () => this.changed(),
    }, labDir, this.opts.policy);
    this.copies.set(key(learner.id, labId), copy);
    return copy.live;
  }

  /** Take back every copy the store says was running when the workbench stopped. */
  async restore(): Promise<void> {
    const learners = new Map(this.opts.store.learners().map((l) => [l.id, l]));
    await Promise.all(
      this.opts.store.labs().map(async (row) => {
        const learner = learners.get(row.learnerId);
        if (!learner) return;
        try {
          await this.lab(learner, row.lab).start();
        } catch (err) {
          this.opts.log(`classroom: could not take back ${learner.name}'s ${row.lab}: ${(err as Error).message}`);
        }
      }),
    );
  }

  /** Reset or stop a learner's copy (the instructor page). */
  async control(action: 'reset' | 'stop', learnerId: string, labId: string): Promise<void> {
    const copy = this.copies.get(key(learnerId, labId));
    if (!copy) throw new RequestError(say('no-such-copy', { learner: learnerId, lab: labId }));
    if (action === 'reset') {
      await copy.live.reset();
    } else {
      await copy.live.stop();
    }
  }

  /** The instance a learner's copy runs as (recorded when it started), if it runs. */
  instanceOf(learnerId: string, labId: string): string | undefined {
    return this.opts.store.labs().find((l) => l.learnerId === learnerId && l.lab === labId)?.instance;
  }

  copyOf(learnerId: string, labId: string): LiveLab | undefined {
    return this.copies.get(key(learnerId, labId))?.live;
  }

  /** Subscribe to the class as the instructor page shows it; called at once and on every change. */
  subscribe(listener: (state: ClassState) => void): () => void {
    this.listeners.add(listener);
    listener(this.state());
    return () => this.listeners.delete(listener);
  }

  state(): ClassState {
    const learners = this.opts.store.learners();
    const labs: ClassLearnerLab[] = [];
    const withLab = new Set<string>();
    for (const copy of this.copies.values()) {
      const def = copy.live.definition;
      const passed = new Set(copy.live.progress().filter((v) => v.passed).map((v) => v.step));
      const current = def.steps.find((s) => !passed.has(s.id));
      const failures = this.opts.store.verdicts(copy.learner.id, def.id).filter((v) => !v.passed && v.step === current?.id);
      const last = failures[failures.length - 1];
      withLab.add(copy.learner.id);
      labs.push({
        learner: copy.learner.id,
        name: copy.learner.name,
        lab: def.id,
        nodes: [...def.nodes],
        status: copy.live.labStatus,
        passed: passed.size,
        total: def.steps.length,
        ...(current ? { currentStep: current.id } : {}),
        ...(last ? { lastFailure: { ...(last.code ? { code: last.code } : {}), message: last.message, ...(last.diagnosis ? { diagnosis: last.diagnosis } : {}) } } : {}),
        vipHolders: copy.live.vipHolders(),
        lastActivity: Math.max(copy.lastActivity, learners.find((l) => l.id === copy.learner.id)?.lastActivity ?? 0),
        engine: copy.engine ?? this.engineName,
        ...(copy.live.subnet ? { subnet: copy.live.subnet } : {}),
      });
    }
    const stuck = stuckSummary(labs, this.opts.store.verdicts());
    return {
      type: 'class.state',
      joinCode: this.info.joinCode,
      learners: labs,
      idle: learners.filter((l) => !withLab.has(l.id)).map((l) => ({ learner: l.id, name: l.name, lastActivity: l.lastActivity })),
      ...(stuck ? { stuck } : {}),
      maxSessions: this.opts.maxSessions,
    };
  }

  /** Stop every copy (the workbench closes without keeping them: single-run classrooms, tests). */
  async closeAll(opts: { keepRunning: boolean }): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    await Promise.all([...this.copies.values()].map((c) => (opts.keepRunning ? c.live.release() : c.live.stop()).catch(() => undefined)));
    this.listeners.clear();
  }

  /**
   * How many more copies the hot pool may start: the class's --max-sessions less the learners'
   * running copies and the copies already waiting in the pool.
   */
  roomForPool(): number {
    const placed = [...this.copies.values()].filter((c) => c.live.holdsPlace).length;
    return this.opts.maxSessions - placed - (this.opts.hotPool?.total ?? 0);
  }

  private get engineName(): string {
    return this.opts.engineName ?? 'local';
  }

  /** Starting one more copy than the class may run is refused with the numbers; with several engines, the placer chooses one. */
  private guardedEngine(copy: Copy, copyKey: string, wasOn?: string): EngineProvider {
    return async () => {
      const running = [...this.copies.values()].filter((c) => c !== copy && c.live.isLive).length;
      const full = (held: number, of: number) => new RequestError(say('class-full-labs', { running: held, max: of }));
      if (running >= this.opts.maxSessions) throw full(running, this.opts.maxSessions);
      if (!this.opts.placer) return this.opts.engine();
      const capacity = this.opts.placer.load().reduce((sum, e) => sum + e.capacity, 0);
      try {
        return await this.opts.placer.place(copyKey, wasOn);
      } catch (err) {
        if ((err as Error).message === 'every engine is full') throw full(running, capacity);
        throw err;
      }
    };
  }

  private expiryOf(copy: Copy): { at: number; reason: 'idle' | 'lifetime' } | undefined {
    if (copy.startedAt === undefined) return undefined;
    const idle = copy.lastActivity + this.opts.idleTimeoutMs;
    const life = copy.startedAt + this.opts.lifetimeMs;
    return idle <= life ? { at: idle, reason: 'idle' } : { at: life, reason: 'lifetime' };
  }

  private sweep(): void {
    const now = Date.now();
    for (const copy of this.copies.values()) {
      const expiry = this.expiryOf(copy);
      if (!expiry || !copy.live.isLive) continue;
      if (now >= expiry.at) {
        this.opts.log(`classroom: removing ${copy.learner.name}'s ${copy.live.id} (${expiry.reason === 'idle' ? 'idle' : 'lifetime reached'})`);
        // The learner's page says why its lab went (the warning before it may have gone unread).
        const limitMs = expiry.reason === 'idle' ? this.opts.idleTimeoutMs : this.opts.lifetimeMs;
        const minutes = Math.max(1, Math.round(limitMs / 60_000));
        copy.live
          .stop(expiry.reason === 'idle' ? say('lab-removed-idle', { minutes }) : say('lab-removed-lifetime', { minutes }))
          .catch((err) => this.opts.log(`classroom: stop failed: ${(err as Error).message}`));
      } else if (now >= expiry.at - EXPIRY_WARNING_MS && copy.warned !== expiry.reason) {
        copy.warned = expiry.reason;
        copy.live.warnExpiry(expiry.at, expiry.reason, expiry.reason === 'idle' ? this.opts.idleTimeoutMs : this.opts.lifetimeMs);
      }
    }
  }

  /** Instructor pages get the new state once per burst of changes. */
  private changed(): void {
    if (this.changeQueued || this.listeners.size === 0) return;
    this.changeQueued = true;
    setTimeout(() => {
      this.changeQueued = false;
      const state = this.state();
      for (const l of this.listeners) l(state);
    }, 100).unref();
  }
}

const key = (learnerId: string, lab: string) => `${learnerId}\u0000${lab}`;

/** A verdict's diagnoses as data, as StepVerdict and the store both hold them. */
function diagnosesOf(v: Pick<StepVerdict, 'diagnosis' | 'diagnoses'>): Pick<StepVerdict, 'diagnosis' | 'diagnoses'> {
  return { ...(v.diagnosis ? { diagnosis: v.diagnosis } : {}), ...(v.diagnoses ? { diagnoses: v.diagnoses } : {}) };
}

/** The newest verdict of each step, as the learner's page shows progress (a reloaded zh page words its diagnoses). */
export function latestVerdicts(rows: readonly VerdictRow[]): StepVerdict[] {
  const latest = new Map<string, StepVerdict>();
  for (const r of rows) latest.set(r.step, { step: r.step, passed: r.passed, message: r.message, checkedAt: r.checkedAt, ms: r.ms, ...diagnosesOf(r) });
  return [...latest.values()];
}

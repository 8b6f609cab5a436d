/**
 * What the browser remembers between visits (localStorage): which client it is (so a reload finds
 * the learner's running lab) and each step's latest verdict per lab (so progress survives a reload,
 * and a runner restart, which forgets verdicts).
 */
import type { StepVerdict } from '../../../../runner/shared/protocol.ts';

/** The part of window.localStorage used here (a Map-backed fake in unit tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const CLIENT_KEY = 'kalab:client';
const progressKey = (lab: string) => `kalab:progress:${lab}`;

/** This browser's client id, created on first use. */
export function clientId(storage: KeyValueStorage | null, random: () => string = randomId): string {
  const existing = safeGet(storage, CLIENT_KEY);
  if (existing && /^[A-Za-z0-9_-]{8,64}$/.test(existing)) return existing;
  const id = random();
  safeSet(storage, CLIENT_KEY, id);
  return id;
}

export type Verdicts = Record<string, StepVerdict>;

export function loadProgress(storage: KeyValueStorage | null, lab: string): Verdicts {
  const raw = safeGet(storage, progressKey(lab));
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    const verdicts = (parsed as { verdicts?: unknown })?.verdicts;
    if (!verdicts || typeof verdicts !== 'object') return {};
    const out: Verdicts = {};
    for (const [step, v] of Object.entries(verdicts as Record<string, unknown>)) {
      if (isVerdict(v) && v.step === step) out[step] = v;
    }
    return out;
  } catch {
    // A corrupt entry (edited by hand, older format) is dropped rather than breaking the page.
    return {};
  }
}

export function saveProgress(storage: KeyValueStorage | null, lab: string, verdicts: Verdicts): void {
  safeSet(storage, progressKey(lab), JSON.stringify({ version: 1, verdicts }));
}

export function clearProgress(storage: KeyValueStorage | null, lab: string): void {
  try {
    storage?.removeItem(progressKey(lab));
  } catch {
    // Storage disabled: nothing was stored either.
  }
}

/**
 * Merge verdicts: per step, the one checked last wins (a later failure replaces an earlier pass),
 * except that an automatic check's failure never replaces a pass: only a Check the learner pressed
 * (or a reset) takes a passed step back.
 */
export function mergeVerdicts(current: Verdicts, incoming: Iterable<StepVerdict>): Verdicts {
  const out: Verdicts = { ...current };
  for (const v of incoming) {
    const have = out[v.step];
    if (have?.passed && v.auto && !v.passed) continue;
    if (!have || v.checkedAt >= have.checkedAt) out[v.step] = v;
  }
  return out;
}

function isVerdict(v: unknown): v is StepVerdict {
  const o = v as Partial<StepVerdict> | null;
  return (
    !!o &&
    typeof o.step === 'string' &&
    typeof o.passed === 'boolean' &&
    typeof o.message === 'string' &&
    typeof o.checkedAt === 'number' &&
    typeof o.ms === 'number'
  );
}

function safeGet(storage: KeyValueStorage | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null; // Private mode or storage disabled: behave as a first visit.
  }
}

function safeSet(storage: KeyValueStorage | null, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Quota or disabled storage: progress then lasts as long as the page.
  }
}

function randomId(): string {
  const c = globalThis.crypto as Crypto | undefined;
  if (c?.randomUUID) return c.randomUUID().replace(/-/g, '');
  return Array.from({ length: 24 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
}

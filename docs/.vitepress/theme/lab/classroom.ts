/**
 * Whether this page is part of a class (`npx kalab start --classroom`), and joining it. The runner
 * says so at GET /api/session; a page served without it (a static host, `vitepress dev`, an older
 * runner) is single-learner mode, as before. Joining (POST /api/join) sets the learner's cookie,
 * which the lab socket then carries.
 */
import type { SentenceData } from '../../../../runner/shared/sentences.ts';
import { sentenceText } from './sentence-text.ts';
import { translate } from './strings.ts';

export interface Learner {
  id: string;
  name: string;
}

/** single: one learner, the page's own lab. classroom: learner null until this browser has joined. */
export type Admission = { mode: 'single' } | { mode: 'classroom'; learner: Learner | null };

/** The part of window.fetch used here (a fake in unit tests). Same-origin requests carry the cookies. */
export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/** The browser's own fetch (same origin: the requests carry the page's cookies). */
export const browserFetch: FetchLike = (url, init) => window.fetch(url, init);

export const SESSION_PATH = '/api/session';
export const JOIN_PATH = '/api/join';

const SINGLE: Admission = { mode: 'single' };

function isLearner(value: unknown): value is Learner {
  const v = value as Partial<Learner> | null;
  return !!v && typeof v.id === 'string' && typeof v.name === 'string';
}

export async function readAdmission(fetch: FetchLike): Promise<Admission> {
  try {
    const res = await fetch(SESSION_PATH, { headers: { accept: 'application/json' } });
    if (!res.ok) return SINGLE;
    const body = (await res.json()) as { mode?: unknown; learner?: unknown } | null;
    if (body?.mode === 'classroom') return { mode: 'classroom', learner: isLearner(body.learner) ? body.learner : null };
  } catch {
    // No runner API here (or a page that is not JSON, a static host's fallback): single-learner mode.
  }
  return SINGLE;
}

/**
 * status 0: the runner could not be reached. `error`: the runner's own sentence in English, when it
 * gave one; `sentence`: the same as a code and params (a runner that words its errors for any page).
 */
export type JoinResult = { ok: true; learner: Learner } | { ok: false; status: number; error?: string; sentence?: SentenceData };

function isSentence(value: unknown): value is SentenceData {
  const v = value as Partial<SentenceData> | null;
  return !!v && typeof v === 'object' && typeof v.code === 'string' && !!v.params && typeof v.params === 'object';
}

export async function joinClass(fetch: FetchLike, name: string, code: string): Promise<JoinResult> {
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await fetch(JOIN_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name: name.trim(), code: code.trim() }),
    });
  } catch {
    return { ok: false, status: 0 };
  }
  const body = (await res.json().catch(() => null)) as { learner?: unknown; error?: unknown; sentence?: unknown } | null;
  if (res.ok && isLearner(body?.learner)) return { ok: true, learner: body.learner };
  return {
    ok: false,
    status: res.status,
    ...(typeof body?.error === 'string' ? { error: body.error } : {}),
    ...(typeof body?.error === 'string' && isSentence(body.sentence) ? { sentence: body.sentence } : {}),
  };
}

/** Why joining failed, in the page's language: the runner's sentence when it gave one, else what the status says. */
export function joinFailureText(result: Extract<JoinResult, { ok: false }>, lang: string | undefined): string {
  if (result.error !== undefined) return sentenceText({ message: result.error, sentence: result.sentence }, lang);
  return result.status === 0 ? translate(lang, 'join.unreachable') : translate(lang, 'join.failed', { status: result.status });
}

/**
 * The classroom's HTTP side: who a request is (from its cookies), joining, the instructor's
 * entrance and exports. Everything else the workbench serves (the site's pages) needs no session:
 * reading a tutorial is open; terminals, files and lab controls go over the WebSocket, which the
 * server refuses without a session (see identify()).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { loadAllLabs } from '../lab/registry.ts';
import { renderSentence, say, type Sentence } from '../shared/sentences.ts';
import type { Classroom } from './classroom.ts';
import { JoinError } from './classroom.ts';
import { INSTRUCTOR_COOKIE, parseCookies, SESSION_COOKIE, setCookie } from './cookies.ts';
import { learnerJunit, resultsCsv } from './exports.ts';
import type { ClassroomStore, LearnerRow } from './store.ts';

export type RequestIdentity = { kind: 'learner'; learner: LearnerRow } | { kind: 'instructor' } | { kind: 'nobody' };

/** The largest join request body: a name and a code. */
const MAX_BODY_BYTES = 4096;

export function identify(classroom: Classroom, req: IncomingMessage): RequestIdentity {
  const cookies = parseCookies(req.headers.cookie);
  if (classroom.isInstructorKey(cookies.get(INSTRUCTOR_COOKIE))) return { kind: 'instructor' };
  const learner = classroom.learnerByToken(cookies.get(SESSION_COOKIE));
  return learner ? { kind: 'learner', learner } : { kind: 'nobody' };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
}

/** An error as JSON: `error` in English (what older pages read), `sentence` for a page in another language. */
function jsonError(res: ServerResponse, status: number, sentence: Sentence): void {
  json(res, status, { error: renderSentence(sentence), sentence });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new JoinError(say('join-too-large', {}), 413);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new JoinError(say('join-not-json', {}), 400);
  }
}

/**
 * Handles the classroom's own routes; returns false for anything else (the site's pages).
 * `secure`: cookies are marked Secure (the class is served over HTTPS by a reverse proxy).
 */
export async function handleClassroomRequest(classroom: Classroom, store: ClassroomStore, req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://workbench');
  const who = identify(classroom, req);
  if (url.pathname === '/api/session' && req.method === 'GET') {
    json(res, 200, { mode: 'classroom', learner: who.kind === 'learner' ? { id: who.learner.id, name: who.learner.name } : null });
    return true;
  }
  if (url.pathname === '/api/join') {
    if (req.method !== 'POST') return jsonError(res, 405, say('join-use-post', {})), true;
    try {
      const body = (await readJson(req)) as { name?: unknown; code?: unknown };
      if (typeof body?.name !== 'string' || typeof body?.code !== 'string') throw new JoinError(say('join-missing-fields', {}), 400);
      const { learner, token } = classroom.join(body.name, body.code);
      json(res, 200, { learner: { id: learner.id, name: learner.name } }, { 'Set-Cookie': setCookie(SESSION_COOKIE, token, { secure }) });
    } catch (err) {
      if (!(err instanceof JoinError)) throw err;
      jsonError(res, err.status, err.sentence);
    }
    return true;
  }
  if (url.pathname === '/instructor' || url.pathname === '/zh/instructor' || url.pathname.startsWith('/api/instructor/')) {
    const key = url.searchParams.get('key');
    if (key !== null) {
      // The key moves from the URL into a cookie at once, so it does not stay in the address bar.
      if (!classroom.isInstructorKey(key)) return jsonError(res, 403, say('instructor-wrong-key', {})), true;
      res.writeHead(302, { Location: url.pathname, 'Set-Cookie': setCookie(INSTRUCTOR_COOKIE, key, { secure }), 'Cache-Control': 'no-store' });
      res.end();
      return true;
    }
    if (who.kind !== 'instructor') {
      res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('The instructor page needs the instructor URL that kalab printed when the class started (it carries the key).\n');
      return true;
    }
    if (url.pathname === '/api/instructor/results.csv') {
      res.writeHead(200, { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="kalab-results.csv"' });
      res.end(resultsCsv(store.learners(), store.verdicts()));
      return true;
    }
    const junit = /^\/api\/instructor\/junit\/([a-f0-9]+)\.xml$/.exec(url.pathname);
    if (junit) {
      const learner = store.learners().find((l) => l.id === junit[1]);
      if (!learner) return jsonError(res, 404, say('no-such-learner', { learner: junit[1]! })), true;
      const verdicts = store.verdicts(learner.id);
      const labs = loadAllLabs().map((l) => l.definition).filter((d) => verdicts.some((v) => v.lab === d.id));
      res.writeHead(200, { 'Content-Type': 'application/xml; charset=utf-8', 'Content-Disposition': `attachment; filename="kalab-${learner.id}.xml"` });
      res.end(learnerJunit(labs, verdicts));
      return true;
    }
    if (url.pathname.startsWith('/api/instructor/')) return jsonError(res, 404, say('no-such-export', {})), true;
  }
  return false;
}

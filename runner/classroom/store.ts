/**
 * Classroom state that survives a restart of the workbench: the class (its join code and the
 * instructor's key), its learners (a name and a hashed session token), each learner's lab copies
 * (which instance, on which subnet and engine) and every verdict with its time and its diagnoses as
 * data (so a reloaded page, and the instructor's, word them in their own language).
 *
 * SQLite through better-sqlite3: an embedded file, no server to run, transactions, and a
 * synchronous API that keeps every write in order with the event that caused it (node:sqlite is
 * not in Node 20). WAL mode, so the instructor's reads never wait on a learner's write.
 */
import Database from 'better-sqlite3';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DiagnosisData } from '../grade/diagnosis.ts';

export interface ClassRow {
  id: string;
  joinCode: string;
  instructorKey: string;
  createdAt: number;
}

export interface LearnerRow {
  id: string;
  name: string;
  joinedAt: number;
  lastActivity: number;
}

export interface LabRow {
  learnerId: string;
  lab: string;
  instance: string;
  subnet: string | null;
  engine: string;
  startedAt: number;
  lastActivity: number;
}

export interface VerdictRow {
  learnerId: string;
  lab: string;
  step: string;
  passed: boolean;
  message: string;
  code: string | null;
  checkedAt: number;
  ms: number;
  /** A failed verdict's diagnosis as data (absent in rows written before it was kept). */
  diagnosis?: DiagnosisData;
  /** A passed verdict's checks' diagnoses as data. */
  diagnoses?: DiagnosisData[];
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS class (id TEXT PRIMARY KEY, join_code TEXT NOT NULL, instructor_key TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS learner (id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, joined_at INTEGER NOT NULL, last_activity INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lab (learner_id TEXT NOT NULL REFERENCES learner(id), lab TEXT NOT NULL, instance TEXT NOT NULL, subnet TEXT, engine TEXT NOT NULL,
  started_at INTEGER NOT NULL, last_activity INTEGER NOT NULL, PRIMARY KEY (learner_id, lab));
CREATE TABLE IF NOT EXISTS verdict (id INTEGER PRIMARY KEY AUTOINCREMENT, learner_id TEXT NOT NULL REFERENCES learner(id), lab TEXT NOT NULL, step TEXT NOT NULL,
  passed INTEGER NOT NULL, message TEXT NOT NULL, code TEXT, checked_at INTEGER NOT NULL, ms INTEGER NOT NULL, diagnosis_json TEXT);
CREATE INDEX IF NOT EXISTS verdict_by_lab ON verdict (learner_id, lab, checked_at);
`;

/** Join codes avoid characters read two ways (0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Columns added after a class file may already exist: each is added to an older file when missing
 * (ALTER TABLE ADD COLUMN keeps every row; the new column reads NULL in them).
 */
const ADDED_COLUMNS: { table: string; column: string; type: string }[] = [{ table: 'verdict', column: 'diagnosis_json', type: 'TEXT' }];

/** A verdict's diagnoses, as the diagnosis_json column holds them. */
type VerdictWords = Pick<VerdictRow, 'diagnosis' | 'diagnoses'>;

function isDiagnosisData(value: unknown): value is DiagnosisData {
  const v = value as Partial<DiagnosisData> | null;
  return !!v && typeof v === 'object' && typeof v.code === 'string' && !!v.params && typeof v.params === 'object';
}

function wordsJson(v: VerdictWords): string | null {
  const words: VerdictWords = { ...(v.diagnosis ? { diagnosis: v.diagnosis } : {}), ...(v.diagnoses ? { diagnoses: v.diagnoses } : {}) };
  return Object.keys(words).length ? JSON.stringify(words) : null;
}

/** The column read back; anything that does not parse as diagnoses is left out (the English message stands). */
function wordsOf(json: string | null): VerdictWords {
  if (!json) return {};
  let parsed: { diagnosis?: unknown; diagnoses?: unknown };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return {};
  }
  const { diagnosis, diagnoses } = parsed ?? {};
  return {
    ...(isDiagnosisData(diagnosis) ? { diagnosis } : {}),
    ...(Array.isArray(diagnoses) && diagnoses.every(isDiagnosisData) ? { diagnoses } : {}),
  };
}

export class ClassroomStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    this.addMissingColumns();
  }

  private addMissingColumns(): void {
    for (const { table, column, type } of ADDED_COLUMNS) {
      const columns = this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!columns.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
    }
  }

  close(): void {
    this.db.close();
  }

  /** The class this file holds, made on first use (a new join code and instructor key). */
  ensureClass(now = Date.now()): ClassRow {
    const row = this.db.prepare('SELECT id, join_code AS joinCode, instructor_key AS instructorKey, created_at AS createdAt FROM class LIMIT 1').get() as ClassRow | undefined;
    if (row) return row;
    const created: ClassRow = {
      id: randomBytes(6).toString('hex'),
      joinCode: Array.from({ length: 6 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(''),
      instructorKey: randomBytes(24).toString('base64url'),
      createdAt: now,
    };
    this.db.prepare('INSERT INTO class (id, join_code, instructor_key, created_at) VALUES (?, ?, ?, ?)').run(created.id, created.joinCode, created.instructorKey, created.createdAt);
    return created;
  }

  /** A new learner; returns the row and the session token (only its hash is kept). */
  addLearner(name: string, now = Date.now()): { learner: LearnerRow; token: string } {
    const token = randomBytes(24).toString('base64url');
    const learner: LearnerRow = { id: randomBytes(5).toString('hex'), name, joinedAt: now, lastActivity: now };
    this.db.prepare('INSERT INTO learner (id, name, token_hash, joined_at, last_activity) VALUES (?, ?, ?, ?, ?)').run(learner.id, name, hash(token), now, now);
    return { learner, token };
  }

  learnerByToken(token: string): LearnerRow | undefined {
    return this.db.prepare('SELECT id, name, joined_at AS joinedAt, last_activity AS lastActivity FROM learner WHERE token_hash = ?').get(hash(token)) as LearnerRow | undefined;
  }

  learners(): LearnerRow[] {
    return this.db.prepare('SELECT id, name, joined_at AS joinedAt, last_activity AS lastActivity FROM learner ORDER BY joined_at').all() as LearnerRow[];
  }

  touchLearner(id: string, now = Date.now()): void {
    this.db.prepare('UPDATE learner SET last_activity = ? WHERE id = ?').run(now, id);
  }

  saveLab(row: LabRow): void {
    this.db
      .prepare(
        `INSERT INTO lab (learner_id, lab, instance, subnet, engine, started_at, last_activity) VALUES (@learnerId, @lab, @instance, @subnet, @engine, @startedAt, @lastActivity)
         ON CONFLICT (learner_id, lab) DO UPDATE SET instance = @instance, subnet = @subnet, engine = @engine, started_at = @startedAt, last_activity = @lastActivity`,
      )
      .run(row);
  }

  touchLab(learnerId: string, lab: string, now = Date.now()): void {
    this.db.prepare('UPDATE lab SET last_activity = ? WHERE learner_id = ? AND lab = ?').run(now, learnerId, lab);
  }

  removeLab(learnerId: string, lab: string): void {
    this.db.prepare('DELETE FROM lab WHERE learner_id = ? AND lab = ?').run(learnerId, lab);
  }

  labs(): LabRow[] {
    return this.db
      .prepare('SELECT learner_id AS learnerId, lab, instance, subnet, engine, started_at AS startedAt, last_activity AS lastActivity FROM lab ORDER BY started_at')
      .all() as LabRow[];
  }

  addVerdict(v: VerdictRow): void {
    this.db
      .prepare(
        `INSERT INTO verdict (learner_id, lab, step, passed, message, code, checked_at, ms, diagnosis_json)
         VALUES (@learnerId, @lab, @step, @passed, @message, @code, @checkedAt, @ms, @diagnosisJson)`,
      )
      .run({ learnerId: v.learnerId, lab: v.lab, step: v.step, passed: v.passed ? 1 : 0, message: v.message, code: v.code, checkedAt: v.checkedAt, ms: v.ms, diagnosisJson: wordsJson(v) });
  }

  /** Every verdict of a learner's lab (or of every lab), oldest first. */
  verdicts(learnerId?: string, lab?: string): VerdictRow[] {
    const rows = this.db
      .prepare(
        `SELECT learner_id AS learnerId, lab, step, passed, message, code, checked_at AS checkedAt, ms, diagnosis_json AS diagnosisJson FROM verdict
         WHERE (@learnerId IS NULL OR learner_id = @learnerId) AND (@lab IS NULL OR lab = @lab) ORDER BY checked_at, id`,
      )
      .all({ learnerId: learnerId ?? null, lab: lab ?? null }) as (Omit<VerdictRow, 'passed' | keyof VerdictWords> & { passed: number; diagnosisJson: string | null })[];
    return rows.map(({ diagnosisJson, ...r }) => ({ ...r, passed: r.passed === 1, ...wordsOf(diagnosisJson) }));
  }

  /** A reset lab starts with no progress: its verdicts go (the CSV export is of the class as it stands). */
  clearVerdicts(learnerId: string, lab: string): void {
    this.db.prepare('DELETE FROM verdict WHERE learner_id = ? AND lab = ?').run(learnerId, lab);
  }
}

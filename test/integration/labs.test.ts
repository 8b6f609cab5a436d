/**
 * Every lab, through the real `kalab check` command on the real engine: its reference solution
 * and every variant pass every step, and each broken solution fails at the step its lab.yaml names, with the
 * diagnosis code its lab.yaml names (on the failure or one of its causes) and the English text of that diagnosis. Labs run concurrently (their subnets differ); the solutions
 * of one lab run one after another.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDiagnosis } from '../../runner/grade/catalogue.ts';
import { codesOf, type DiagnosisData } from '../../runner/grade/diagnosis.ts';
import { loadAllLabs } from '../../runner/lab/registry.ts';
import { kalab } from '../helpers/cli.ts';
import { leftovers } from '../helpers/docker.ts';

interface JsonReport {
  lab: string;
  passed: boolean;
  steps: { id: string; title: string; passed: boolean; ms: number; message: string; diagnosis?: DiagnosisData }[];
}

async function checkJson(lab: string, solution: string): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const run = await kalab('check', lab, '--solution', solution, '--reporter', 'json');
  let report: JsonReport;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`kalab check ${lab} printed no JSON (exit ${run.code}).\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  }
  return { code: run.code, report, stderr: run.stderr };
}

describe.concurrent('every lab, checked by kalab check', () => {
  for (const { definition: lab, dir } of loadAllLabs()) {
    it(`${lab.id}: the reference and variant solutions pass every step; each broken solution fails where it should`, async () => {
      const reference = await checkJson(lab.id, path.join(dir, lab.solution));
      expect(reference.report.steps.map((s) => s.id)).toEqual(lab.steps.map((s) => s.id));
      expect(reference.report.steps.filter((s) => !s.passed), reference.stderr).toEqual([]);
      expect(reference.code).toBe(0);
      expect(reference.report.passed).toBe(true);

      // Solutions written differently (names, priorities, mechanisms) get the same verdicts.
      for (const variant of lab.variants) {
        const run = await checkJson(lab.id, path.join(dir, variant.dir));
        expect(run.report.steps.filter((s) => !s.passed), `${variant.dir} (${variant.style})\n${run.stderr}`).toEqual([]);
        expect(run.code).toBe(0);
      }

      for (const broken of lab.broken) {
        const run = await checkJson(lab.id, path.join(dir, broken.dir));
        const failedAt = run.report.steps.find((s) => !s.passed);
        expect(run.code, `${broken.dir}: ${broken.mistake}`).toBe(1);
        expect(failedAt?.id, `${broken.dir} failed at ${failedAt?.id}: ${failedAt?.message}`).toBe(broken.failsAt);
        const diagnosis = failedAt!.diagnosis;
        expect(diagnosis, `${broken.dir}: a failed step carries its diagnosis`).toBeDefined();
        expect(codesOf(diagnosis!), `${broken.dir}: ${failedAt!.message}`).toContain(broken.diagnosis);
        // The message is still the English sentence, rendered from the same code and params.
        expect(failedAt!.message.length).toBeGreaterThan(20);
        expect(failedAt!.message).toBe(renderDiagnosis(diagnosis!));
        const after = run.report.steps.slice(run.report.steps.indexOf(failedAt!) + 1);
        expect(after.every((s) => !s.passed && s.message === 'not run')).toBe(true);
      }

      expect(await leftovers(lab.id)).toEqual({ containers: [], networks: [] });
    }, 15 * 60_000);
  }
});

/**
 * Every diagnosis code the grader can return, gathered from the sections: each expectation kind
 * lists the sections its checks use (registry.ts), and the step runner adds the verdicts it
 * withholds. A broken solution in lab.yaml names one of these codes; a report in another language
 * renders them from code and params alone.
 */
import { EXPECTATIONS } from '../kinds/registry.ts';
import type { DiagnosisData, DiagnosisSection, Renderer } from './diagnosis.ts';
import { WITHHELD } from './withheld.ts';
import { WIRE_DIAGNOSES } from './wire-timing.ts';

function gather(sections: readonly DiagnosisSection[]): ReadonlyMap<string, Renderer<never>> {
  const renderers = new Map<string, Renderer<never>>();
  for (const section of new Set(sections)) {
    for (const [code, render] of Object.entries(section)) {
      if (renderers.has(code)) throw new Error(`Diagnosis code "${code}" is declared in two sections: give one of them another code.`);
      renderers.set(code, render);
    }
  }
  return renderers;
}

let gathered: ReadonlyMap<string, Renderer<never>> | undefined;
/**
 * Gathered on first use, not when this module loads: the kinds' modules reach this one through
 * the lab definition, and may be loading still.
 */
const catalogue = () =>
  (gathered ??= gather([WITHHELD.section, WIRE_DIAGNOSES.section, ...Object.values(EXPECTATIONS).flatMap((kind) => kind.diagnoses.map((d) => d.section))]));

export function diagnosisCodes(): string[] {
  return [...catalogue().keys()].sort();
}

export function isDiagnosisCode(code: string): boolean {
  return catalogue().has(code);
}

/** The English text of a diagnosis given as data (as the JSON report carries it), its causes rendered first. */
export function renderDiagnosis(d: DiagnosisData): string {
  const render = catalogue().get(d.code) as Renderer<DiagnosisData['params']> | undefined;
  if (!render) throw new Error(`"${d.code}" is not a diagnosis code.`);
  return render(d.params, (d.causes ?? []).map(renderDiagnosis));
}

/**
 * A diagnosis is a value: a stable code, the plain data it is about, and the English sentence
 * rendered from the two. Other code matches codes, never the English; a report in another language
 * renders the same code and params with its own renderers. A diagnosis may carry the causes that
 * explain it ("split brain", caused by "virtual_router_id differs"), each a diagnosis of its own.
 *
 * Codes are declared in sections (`defineDiagnoses`), one per module that diagnoses something; the
 * catalogue (catalogue.ts) gathers every section.
 */

/** What params may hold: data a renderer in any language can word, never pre-rendered English. */
export type DiagnosisParam = string | number | boolean | null | readonly DiagnosisParam[] | { readonly [key: string]: DiagnosisParam };
export type DiagnosisParams = { readonly [key: string]: DiagnosisParam };

/** A diagnosis without its text: what the JSON report carries and what a renderer reads. */
export interface DiagnosisData {
  code: string;
  params: DiagnosisParams;
  causes?: DiagnosisData[];
}

export interface Diagnosis extends DiagnosisData {
  /** The English sentence, rendered from code, params and the causes' texts. */
  text: string;
  causes?: Diagnosis[];
}

/** The params of a code that needs none. */
export type NoParams = Record<string, never>;

/** Words a code's params, given its causes already worded. */
export type Renderer<P> = (params: P, causes: readonly string[]) => string;

/** The renderers of one section, by code. */
export type DiagnosisSection = { readonly [code: string]: Renderer<never> };

export interface Diagnoses<S extends DiagnosisSection> {
  readonly section: S;
  /** A diagnosis of one of this section's codes, its text rendered now. */
  say<C extends keyof S & string>(code: C, params: Parameters<S[C]>[0] & DiagnosisParams, causes?: readonly Diagnosis[]): Diagnosis;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Declares a section of codes with their English renderers. */
export function defineDiagnoses<S extends DiagnosisSection>(section: S): Diagnoses<S> {
  for (const code of Object.keys(section)) {
    if (!KEBAB.test(code)) throw new Error(`Diagnosis code "${code}" is not kebab-case.`);
  }
  return {
    section,
    say(code, params, causes = []) {
      const render = section[code] as Renderer<typeof params>;
      const text = render(params, causes.map((c) => c.text));
      return { code, params, text, ...(causes.length ? { causes: [...causes] } : {}) };
    },
  };
}

/** The diagnosis as data: code, params and causes, without the English. */
export function diagnosisData(d: DiagnosisData): DiagnosisData {
  return { code: d.code, params: d.params, ...(d.causes?.length ? { causes: d.causes.map(diagnosisData) } : {}) };
}

/** Every code in a diagnosis and its causes, depth first: a broken solution's code must be among them. */
export function codesOf(d: DiagnosisData): string[] {
  return [d.code, ...(d.causes ?? []).flatMap(codesOf)];
}

/** Nodes (or any words) the way a sentence lists them: "lb1", "lb1 and lb2", "lb1, lb2 and web1". */
export function listNodes(nodes: readonly string[]): string {
  if (nodes.length <= 1) return nodes.join('');
  return `${nodes.slice(0, -1).join(', ')} and ${nodes[nodes.length - 1]}`;
}

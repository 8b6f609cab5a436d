/**
 * Finds and loads lab definitions: every folder under `labs/` with a `lab.yaml` is a lab.
 * Adding a lab means adding a folder; nothing here names a lab.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { labSchema, type LabDefinition } from './definition.ts';
import { LabDefinitionError } from '../shared/errors.ts';
import { LABS_DIR } from '../shared/paths.ts';

export interface LoadedLab {
  definition: LabDefinition;
  /** The lab's folder, for its reference and broken solutions. */
  dir: string;
}

export function listLabIds(labsDir = LABS_DIR): string[] {
  if (!existsSync(labsDir)) return [];
  return readdirSync(labsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(labsDir, e.name, 'lab.yaml')))
    .map((e) => e.name)
    .sort();
}


export function loadLab(id: string, labsDir = LABS_DIR): LoadedLab {
  const known = listLabIds(labsDir);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !known.includes(id)) {
    throw new LabDefinitionError(`Unknown lab "${id}": choose one of ${known.join(', ') || '(none found in labs/)'}.`);
  }
  const dir = path.join(labsDir, id);
  const file = path.join(dir, 'lab.yaml');
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new LabDefinitionError(`${file} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const parsed = labSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new LabDefinitionError(`${file} does not describe a lab${where}: ${issue.message}.`);
  }
  if (parsed.data.id !== id) {
    throw new LabDefinitionError(`${file} says its id is "${parsed.data.id}" but its folder is "${id}": make them the same.`);
  }
  return { definition: parsed.data, dir };
}

export function loadAllLabs(labsDir = LABS_DIR): LoadedLab[] {
  return listLabIds(labsDir)
    .map((id) => loadLab(id, labsDir))
    .sort((a, b) => subnetOrder(a.definition) - subnetOrder(b.definition));
}

function subnetOrder(lab: LabDefinition): number {
  return Number(lab.subnet.split('.')[2]);
}

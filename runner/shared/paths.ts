/**
 * Where the project's own folders are, wherever the command is run from. Found from this module's
 * place, two levels below the root: runner/shared/paths.ts in the repository, and
 * dist/shared/paths.js in the npm package (tsconfig.build.json compiles runner/ into dist/ at the
 * same depth), so labs/ and docker/ resolve beside either.
 */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LABS_DIR = path.join(PROJECT_ROOT, 'labs');
export const DOCKER_DIR = path.join(PROJECT_ROOT, 'docker');

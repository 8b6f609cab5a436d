/** Where the project's own folders are, wherever the command is run from. */
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LABS_DIR = path.join(PROJECT_ROOT, 'labs');
export const DOCKER_DIR = path.join(PROJECT_ROOT, 'docker');

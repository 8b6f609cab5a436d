/** Shared by the commands that need a lab engine: a reachable Docker and the node image. */
import type Docker from 'dockerode';
import { ensureEngine } from '../../engine/preflight.ts';
import { ensureImages } from '../../engine/images.ts';
import type { Progress } from '../../shared/progress.ts';

export interface Engine {
  docker: Docker;
  image: string;
}

/**
 * The engine must answer (kalab check does not install software: `kalab setup` does); missing
 * images are built, with progress, since that needs nothing but the engine.
 */
export async function engineWithImages(progress: Progress, opts: { install?: boolean } = {}): Promise<Engine> {
  const docker = await ensureEngine({ progress, install: opts.install ?? false });
  const { tag } = await ensureImages(docker, { progress });
  return { docker, image: tag };
}

/** What kalab left on the engine, found by its labels. */
import { dockerClient } from '../../runner/engine/docker.ts';
import { LABEL_INSTANCE, LABEL_MANAGED } from '../../runner/engine/labels.ts';

export async function leftovers(instance: string): Promise<{ containers: string[]; networks: string[] }> {
  const docker = dockerClient();
  const filters = { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${instance}`] };
  const containers = await docker.listContainers({ all: true, filters });
  const networks = await docker.listNetworks({ filters });
  return { containers: containers.map((c) => c.Names[0] ?? c.Id), networks: networks.map((n) => n.Name) };
}

/** Exec processes the engine still tracks in a lab's containers (none may outlive a run). */
export async function runningExecs(instance: string): Promise<number> {
  const docker = dockerClient();
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL_MANAGED}=true`, `${LABEL_INSTANCE}=${instance}`] } });
  let count = 0;
  for (const c of containers) {
    const info = await docker.getContainer(c.Id).inspect();
    count += (info.ExecIDs ?? []).length;
  }
  return count;
}

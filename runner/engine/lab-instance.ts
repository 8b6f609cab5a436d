/**
 * One running copy of a lab: its network and one container per node, created from the lab's
 * definition, and everything needed to act on them (exec, shells, solution copy, freeze) and to
 * remove them again. Everything created carries labels so leftovers can always be found.
 */
import type Docker from 'dockerode';
import { addressesFor, type LabAddresses } from '../lab/addresses.ts';
import { roleOf, type LabDefinition, type NodeName } from '../lab/definition.ts';
import { HostConflictError, KalabError } from '../shared/errors.ts';
import type { Progress } from '../shared/progress.ts';
import { silentProgress } from '../shared/progress.ts';
import { execCollect, execLines, openShell, type ExecResult, type LineStream, type ShellSession } from './exec.ts';
import { labelsFor, managedFilter } from './labels.ts';
import { tarForNode, type Solution } from './solution.ts';

/** Per-node limits: a node uses ~12 MiB; the limits stop a runaway learner command, not normal work. */
export const NODE_MEMORY_BYTES = 256 * 1024 * 1024;
export const NODE_PIDS_LIMIT = 512;

export interface LabInstanceOptions {
  /** Names the copy: containers are kalab-<instance>-<node>. Defaults to the lab id (single learner, `kalab check`). */
  instance?: string;
  /** The copy's /24; defaults to the lab's canonical subnet. */
  subnet?: string;
  image: string;
  progress?: Progress;
}

export class LabInstance {
  private constructor(
    readonly docker: Docker,
    readonly lab: LabDefinition,
    readonly instance: string,
    readonly addresses: LabAddresses,
    readonly networkName: string,
    private readonly containers: Map<NodeName, Docker.Container>,
  ) {}

  /** Create and start the lab's network and nodes, after removing any leftover copy of the same name. */
  static async start(docker: Docker, lab: LabDefinition, opts: LabInstanceOptions): Promise<LabInstance> {
    const progress = opts.progress ?? silentProgress;
    const instance = opts.instance ?? lab.id;
    const addresses = addressesFor(opts.subnet ?? lab.subnet);
    const removed = await removeLabCopies(docker, instance);
    if (removed > 0) progress(`removed ${removed} leftover object(s) of an earlier ${instance} run`);

    const networkName = `kalab-${instance}`;
    await createNetwork(docker, networkName, lab.id, instance, addresses);
    const containers = new Map<NodeName, Docker.Container>();
    const self = new LabInstance(docker, lab, instance, addresses, networkName, containers);
    try {
      await Promise.all(
        lab.nodes.map(async (node) => {
          const container = await docker.createContainer(containerSpec(lab, instance, node, addresses, networkName, opts.image));
          containers.set(node, container);
          await container.start();
          await awaitNodeReady(container, node);
        }),
      );
    } catch (err) {
      await self.teardown();
      throw err;
    }
    return self;
  }

  get nodes(): NodeName[] {
    return [...this.containers.keys()];
  }

  container(node: NodeName): Docker.Container {
    const c = this.containers.get(node);
    if (!c) throw new KalabError(`Node ${node} is not part of lab ${this.lab.id}: its nodes are ${this.nodes.join(', ')}.`);
    return c;
  }

  /** Run a shell command line in a node and collect its output. */
  exec(node: NodeName, commandLine: string, opts: { timeoutS?: number; stdin?: string } = {}): Promise<ExecResult> {
    return execCollect(this.container(node), ['sh', '-c', commandLine], opts);
  }

  /**
   * An HTTP GET of `url` as the lab's client sees it, made by the grader from where no solution
   * and no learner's shell can reach (see runner/observe). Verdicts about "client served by X" use this.
   */
  probeHttp(url: string, timeoutS: number): Promise<HttpProbeResult> {
    return probeHttpFrom(this, url, timeoutS);
  }

  /**
   * Run a command in `node`'s network namespace from outside the node: its own image's tools, its
   * own processes (nftables rules, addresses). For diagnoses that must not trust the node's files.
   */
  execBeside(node: NodeName, commandLine: string, opts: { timeoutS?: number } = {}): Promise<ExecResult> {
    return this.exec(node, commandLine, opts);
  }

  watchLines(node: NodeName, command: string, onLine: (line: string) => void): Promise<LineStream> {
    return execLines(this.container(node), command, onLine);
  }

  shell(node: NodeName, size: { cols: number; rows: number }): Promise<ShellSession> {
    return openShell(this.container(node), size);
  }

  /** Lay each node's part of a solution over its root filesystem, file modes kept. */
  async applySolution(solution: Solution): Promise<void> {
    await Promise.all(
      solution.nodes.map(async (entry) => {
        await this.container(entry.node).putArchive(await tarForNode(entry), { path: '/' });
      }),
    );
  }

  /** Write one file into a node (the browser's editor tab), keeping the file's mode if it exists. */
  async writeFile(node: NodeName, filePath: string, content: string, mode = 0o644): Promise<void> {
    const rel = filePath.replace(/^\/+/, '');
    await this.container(node).putArchive(
      await tarForNode({ node, files: [{ path: rel, mode, content: Buffer.from(content, 'utf8') }] }),
      { path: '/' },
    );
  }

  /** Freeze a node as a hung machine: no adverts, no goodbye, its addresses stay. */
  async freeze(node: NodeName): Promise<void> {
    await this.container(node).pause();
  }

  async unfreeze(node: NodeName): Promise<void> {
    await this.container(node).unpause();
  }

  async teardown(): Promise<void> {
    await removeLabCopies(this.docker, this.instance);
  }
}

export type HttpProbeResult =
  | { ok: true; status: number; body: string }
  | { ok: false; reason: 'timeout' | 'error'; detail: string };

async function probeHttpFrom(lab: LabInstance, url: string, timeoutS: number): Promise<HttpProbeResult> {
  const r = await lab.exec('client', `curl -sS -m ${timeoutS} -w '\n%{http_code}' ${url}`, { timeoutS: timeoutS + 2 });
  if (r.exitCode === 0) {
    const cut = r.stdout.lastIndexOf('\n');
    return { ok: true, status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
  }
  if (r.exitCode === 28) return { ok: false, reason: 'timeout', detail: `no answer within ${timeoutS} s` };
  return { ok: false, reason: 'error', detail: (r.stderr.trim() || `curl exit ${r.exitCode}`).replace(/^curl: \(\d+\)\s*/, '') };
}

/** kalab-init creates this file once the node's services (nginx, Postfix...) are up (docker/node). */
const READY_FILE = '/run/kalab/ready';
const READY_TIMEOUT_S = 30;

/**
 * A node is usable once its init says so. The wait runs inside the node as one exec that returns the
 * moment the file appears (a tight loop on a local file, bounded by `timeout`).
 */
async function awaitNodeReady(container: Docker.Container, node: NodeName): Promise<void> {
  const result = await execCollect(container, ['sh', '-c', `until [ -e ${READY_FILE} ]; do sleep 0.02; done`], { timeoutS: READY_TIMEOUT_S });
  if (result.exitCode !== 0) {
    throw new KalabError(`Node ${node} did not become ready within ${READY_TIMEOUT_S} s: see its log with docker logs ${(await container.inspect()).Name.replace(/^\//, '')}.`);
  }
}

function containerSpec(
  lab: LabDefinition,
  instance: string,
  node: NodeName,
  addresses: LabAddresses,
  networkName: string,
  image: string,
): Docker.ContainerCreateOptions {
  return {
    name: `kalab-${instance}-${node}`,
    Hostname: node,
    Image: image,
    Env: [`KALAB_NODE=${node}`, `KALAB_ROLE=${roleOf(node)}`, `KALAB_PREFIX=${addresses.subnet.replace(/\.0\/24$/, '')}`],
    Labels: labelsFor(lab.id, instance, node),
    HostConfig: {
      NetworkMode: networkName,
      // Docker's default capabilities plus what keepalived and tcpdump need; never privileged.
      CapAdd: ['NET_ADMIN', 'NET_RAW'],
      Privileged: false,
      Memory: NODE_MEMORY_BYTES,
      MemorySwap: NODE_MEMORY_BYTES,
      PidsLimit: NODE_PIDS_LIMIT,
      // nginx may be told to listen on the VIP before this node holds it.
      Sysctls: { 'net.ipv4.ip_nonlocal_bind': '1' },
    },
    NetworkingConfig: {
      EndpointsConfig: {
        [networkName]: { IPAMConfig: { IPv4Address: addresses.node[node] }, Aliases: [node] },
      },
    },
  };
}

async function createNetwork(
  docker: Docker,
  name: string,
  lab: string,
  instance: string,
  addresses: LabAddresses,
): Promise<void> {
  try {
    await docker.createNetwork({
      Name: name,
      // An ordinary bridge: Docker's --internal networks drop multicast, and VRRP adverts with it.
      Driver: 'bridge',
      Internal: false,
      CheckDuplicate: true,
      Labels: labelsFor(lab, instance),
      IPAM: { Driver: 'default', Config: [{ Subnet: addresses.subnet, Gateway: addresses.gateway }] },
    });
  } catch (err) {
    const message = String((err as Error).message ?? err);
    if (/overlap|Pool overlaps/i.test(message)) {
      throw new HostConflictError(
        `The lab subnet ${addresses.subnet} overlaps a Docker network that kalab did not create: remove that network (docker network ls) or free the 10.88.0.0/16 range.`,
        { cause: err },
      );
    }
    throw err;
  }
}

/** Remove every container and network of one lab copy (or of all copies): returns how many. */
export async function removeLabCopies(docker: Docker, instance?: string): Promise<number> {
  const filters = managedFilter(instance);
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map(async (info) => {
      const c = docker.getContainer(info.Id);
      // A paused container cannot be killed until it is unpaused.
      if (info.State === 'paused') await c.unpause().catch(() => undefined);
      await c.remove({ force: true }).catch(ignoreGone);
    }),
  );
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreGone)));
  return containers.length + networks.length;
}

function ignoreGone(err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409) return; // already gone, or removal already in progress
  throw err;
}

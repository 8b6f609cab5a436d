/**
 * One running copy of a lab: its network and one container per node, created from the lab's
 * definition, and everything needed to act on them (exec, shells, solution copy, freeze) and to
 * remove them again. Everything created carries labels so leftovers can always be found.
 */
import type Docker from 'dockerode';
import { addressesFor, type LabAddresses } from '../lab/addresses.ts';
import { roleOf, type NodeName } from '../kinds/cast.ts';
import type { LabDefinition } from '../lab/definition.ts';
import { HostConflictError, KalabError } from '../shared/errors.ts';
import type { Progress } from '../shared/progress.ts';
import { silentProgress } from '../shared/progress.ts';
import { renderSentence, say } from '../shared/sentences.ts';
import { execCollect, execLines, openShell, type ExecResult, type LineStream, type ShellSession } from './exec.ts';
import { LABEL_NODE, LABEL_OWNER, LABEL_PART, labelsFor, managedFilter, ownerFilter } from './labels.ts';
import { currentOwner, ensureReaper, ownerMayBeAlive } from './reaper.ts';
import { tarForNode, type Solution } from './solution.ts';
import { engineSubnets, freeSubnets } from './subnet-pool.ts';

/** Per-node limits: a node uses ~12 MiB; the limits stop a runaway learner command, not normal work. */
export const NODE_MEMORY_BYTES = 256 * 1024 * 1024;
export const NODE_PIDS_LIMIT = 512;

/**
 * CPU per node, so that a class can share a host: measured on 2 cores, a fork bomb in one lab
 * node and `yes` in another (load 128) stalled a healthy master's adverts in another lab for
 * 2.1 s with no limit. A quota of half a core caps what any one node can take, whatever it runs;
 * equal shares keep a busy lab from starving a quiet one when the host is contended; the grader's
 * eyes weigh double, so observation keeps up under load. KALAB_NODE_CPU_LIMIT=off lifts the quota
 * (to measure what it buys; never for a class).
 */
// A 10 ms period rather than Docker's 100 ms: a throttled node waits at most a few ms for the CPU,
// not tens, which keeps keepalived's timers close and lets runc's freezer catch every process (a
// cgroup throttled for most of a 100 ms period made `docker pause` fail with "unable to freeze"
// when 40 labs shared the host).
export const CPU_PERIOD_US = 10_000;
export const NODE_CPU_QUOTA_US = 5_000;
export const NODE_CPU_SHARES = 512;
const EYES_CPU_QUOTA_US = 2_500;
const EYES_CPU_SHARES = 1024;

function cpuLimits(quotaUs: number, shares: number): Pick<Docker.HostConfig, 'CpuPeriod' | 'CpuQuota' | 'CpuShares'> {
  if (process.env.KALAB_NODE_CPU_LIMIT === 'off') return {};
  return { CpuPeriod: CPU_PERIOD_US, CpuQuota: quotaUs, CpuShares: shares };
}

export interface LabInstanceOptions {
  /** Names the copy: containers are kalab-<instance>-<node>. Defaults to the lab id (single learner, `kalab check`). */
  instance?: string;
  /**
   * The copy's /24: a subnet, or `{ pool }` for the first free /24 of a pool (runner/engine/subnet-pool.ts).
   * Defaults to the lab's canonical subnet.
   */
  subnet?: string | { pool: string };
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
    private readonly eyesContainers: Map<NodeName, Docker.Container>,
  ) {}

  /** Create and start the lab's network and nodes, after removing any leftover copy of the same name. */
  static async start(docker: Docker, lab: LabDefinition, opts: LabInstanceOptions): Promise<LabInstance> {
    const progress = opts.progress ?? silentProgress;
    const instance = opts.instance ?? lab.id;
    ensureReaper();
    await refuseLiveCopy(docker, instance);
    const removed = await removeLabCopies(docker, instance);
    if (removed > 0) {
      const leftovers = say('leftovers-removed', { count: removed, instance });
      progress(renderSentence(leftovers), leftovers);
    }

    const networkName = `kalab-${instance}`;
    const wanted = opts.subnet ?? lab.subnet;
    const addresses = typeof wanted === 'string' ? addressesFor(wanted, lab.vips) : await createNetworkFromPool(docker, networkName, lab, instance, wanted.pool);
    if (typeof wanted === 'string') await createNetwork(docker, networkName, lab.id, instance, addresses);
    const containers = new Map<NodeName, Docker.Container>();
    const eyes = new Map<NodeName, Docker.Container>();
    const self = new LabInstance(docker, lab, instance, addresses, networkName, containers, eyes);
    try {
      await Promise.all(
        lab.nodes.map(async (node) => {
          const container = await docker.createContainer(containerSpec(lab, instance, node, addresses, networkName, opts.image));
          containers.set(node, container);
          await container.start();
          // The eyes are created (not started: the observer attaches first, so it misses no line)
          // while the node's services come up.
          const watchers = eyesWatchers(node);
          await Promise.all([
            awaitNodeReady(container, node),
            watchers !== undefined ? docker.createContainer(eyesSpec(lab, instance, node, container.id, opts.image, watchers)).then((c) => void eyes.set(node, c)) : undefined,
          ]);
        }),
      );
    } catch (err) {
      await self.teardown();
      throw err;
    }
    return self;
  }

  /**
   * The running copy `instance` of `lab`, found by its labels (a restarted workbench taking its
   * learners' labs back); undefined when it is not there whole (every node and its network).
   */
  static async adopt(docker: Docker, lab: LabDefinition, instance: string): Promise<LabInstance | undefined> {
    const networkName = `kalab-${instance}`;
    const [infos, networks] = await Promise.all([
      docker.listContainers({ all: true, filters: managedFilter(instance) }),
      docker.listNetworks({ filters: { name: [networkName] } }),
    ]);
    const subnet = networks.find((n) => n.Name === networkName)?.IPAM?.Config?.[0]?.Subnet;
    if (!subnet) return undefined;
    const containers = new Map<NodeName, Docker.Container>();
    const eyes = new Map<NodeName, Docker.Container>();
    for (const info of infos) {
      const node = info.Labels[LABEL_NODE] as NodeName | undefined;
      if (!node || !lab.nodes.includes(node)) continue;
      (info.Labels[LABEL_PART] === 'eyes' ? eyes : containers).set(node, docker.getContainer(info.Id));
    }
    const whole = lab.nodes.every((n) => containers.has(n) && (eyesWatchers(n) === undefined || eyes.has(n)));
    if (!whole) return undefined;
    return new LabInstance(docker, lab, instance, addressesFor(subnet, lab.vips), networkName, containers, eyes);
  }

  get nodes(): NodeName[] {
    return [...this.containers.keys()];
  }

  /** The nodes that have eyes beside them (runner/observe/eyes.ts): the lb nodes, the mail node, the client. */
  get watchedNodes(): NodeName[] {
    return [...this.eyesContainers.keys()];
  }

  /** The grader's container beside `node`: same network namespace, its own processes and files. */
  eyes(node: NodeName): Docker.Container {
    const c = this.eyesContainers.get(node);
    if (!c) throw new KalabError(`Node ${node} of lab ${this.lab.id} has no observer beside it: only ${this.watchedNodes.join(', ')} do.`);
    return c;
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
    return execCollect(this.eyes(node), ['sh', '-c', commandLine], opts);
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
    // On a host under heavy load runc's freezer can give up ("unable to freeze"): it must catch
    // every process of the node at once, and gives up after its own quick retries. With 40 labs on
    // 2 cores, three quick tries still left 4 of 40 crash steps unfrozen; lifting the quota on
    // a failure left 1 of 40. So a failed
    // try lifts the node's quota (a process the quota holds back cannot be caught until its next
    // slice; a frozen node uses no CPU anyway) and asks again after a pause that doubles, for the
    // host's burst to pass; unfreeze puts the quota back before the node runs again. The step is
    // timed from the engine's pause event, not from the ask, so the waiting costs no verdict.
    const container = this.container(node);
    for (let attempt = 1; ; attempt++) {
      try {
        await container.pause();
        return;
      } catch (err) {
        if (attempt >= FREEZE_ATTEMPTS || !/unable to freeze/i.test(String((err as Error).message))) throw err;
        if (!this.quotaLifted.has(node) && process.env.KALAB_NODE_CPU_LIMIT !== 'off') {
          await container.update({ CpuQuota: -1 });
          this.quotaLifted.add(node);
        }
        await new Promise((resolve) => setTimeout(resolve, FREEZE_RETRY_MS * 2 ** (attempt - 1)));
      }
    }
  }

  async unfreeze(node: NodeName): Promise<void> {
    const container = this.container(node);
    if (this.quotaLifted.delete(node)) await container.update({ CpuQuota: NODE_CPU_QUOTA_US });
    await container.unpause();
  }

  /** Nodes whose CPU quota freeze lifted to catch them (unfreeze restores it). */
  private readonly quotaLifted = new Set<NodeName>();

  async teardown(): Promise<void> {
    await removeLabCopies(this.docker, this.instance);
  }
}

export type HttpProbeResult =
  | { ok: true; status: number; body: string }
  | { ok: false; reason: 'timeout' | 'error'; detail: string };

async function probeHttpFrom(lab: LabInstance, url: string, timeoutS: number): Promise<HttpProbeResult> {
  // From the client's eyes: the client's network, the grader's own curl.
  const r = await lab.execBeside('client', `curl -sS -m ${timeoutS} -w '\n%{http_code}' ${url}`, { timeoutS: timeoutS + 2 });
  if (r.exitCode === 0) {
    const cut = r.stdout.lastIndexOf('\n');
    return { ok: true, status: Number(r.stdout.slice(cut + 1)), body: r.stdout.slice(0, cut) };
  }
  if (r.exitCode === 28) return { ok: false, reason: 'timeout', detail: `no answer within ${timeoutS} s` };
  return { ok: false, reason: 'error', detail: (r.stderr.trim() || `curl exit ${r.exitCode}`).replace(/^curl: \(\d+\)\s*/, '') };
}

/** Tries of `docker pause`, the first retry after FREEZE_RETRY_MS and each later one after twice the last (at most 4.5 s in all). */
const FREEZE_ATTEMPTS = 5;
const FREEZE_RETRY_MS = 300;

/** kalab-init creates this file once the node's services (nginx, Postfix...) are up (docker/node). */
const READY_FILE = '/run/kalab/ready';
/** Generous: a busy engine (a class starting at once) is slow; a broken node never gets there. */
const READY_TIMEOUT_S = 90;

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

/**
 * What the eyes beside a node watch (kalab-eyes' KALAB_EYES), or undefined for a node that needs
 * none: an lb node's addresses, adverts and keepalived log; the mail node's mailbox; nothing on
 * the client, whose eyes run the grader's HTTP probes from the client's network.
 */
export function eyesWatchers(node: NodeName): string | undefined {
  switch (roleOf(node)) {
    case 'lb':
      return 'addresses adverts keepalived-log';
    case 'mail':
      return 'mail';
    case 'client':
      return '';
    default:
      return undefined;
  }
}

/** The folders a node shares read-only with its eyes: keepalived's log, and the mail node's mailbox. */
const SHARED_FOLDERS: Partial<Record<ReturnType<typeof roleOf>, string[]>> = {
  lb: ['/var/log/kalab'],
  mail: ['/var/mail'],
};

/** Per-eyes limits: three small watchers; far below a node's. */
const EYES_MEMORY_BYTES = 64 * 1024 * 1024;
const EYES_PIDS_LIMIT = 32;

function eyesSpec(lab: LabDefinition, instance: string, node: NodeName, nodeId: string, image: string, watchers: string): Docker.ContainerCreateOptions {
  return {
    name: `kalab-${instance}-${node}-eyes`,
    Image: image,
    Entrypoint: ['/usr/bin/tini', '--', '/usr/local/sbin/kalab-eyes'],
    Cmd: [],
    Env: [`KALAB_EYES=${watchers}`],
    Labels: labelsFor(lab.id, instance, node, 'eyes'),
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: {
      // Only the node's network namespace is shared: not its processes, not its files.
      NetworkMode: `container:${nodeId}`,
      VolumesFrom: SHARED_FOLDERS[roleOf(node)] ? [`${nodeId}:ro`] : [],
      // tcpdump needs NET_RAW (and SETUID/SETGID for its -Z, even to stay root), `nft list ruleset`
      // NET_ADMIN, reading the mailbox (mode 660, owner lab) DAC_READ_SEARCH; nothing else.
      CapDrop: ['ALL'],
      CapAdd: ['NET_ADMIN', 'NET_RAW', 'DAC_READ_SEARCH', 'SETUID', 'SETGID'],
      Privileged: false,
      SecurityOpt: ['no-new-privileges'],
      Memory: EYES_MEMORY_BYTES,
      MemorySwap: EYES_MEMORY_BYTES,
      PidsLimit: EYES_PIDS_LIMIT,
      ...cpuLimits(EYES_CPU_QUOTA_US, EYES_CPU_SHARES),
      // Its output is read live by the runner; nothing is kept on disk.
      LogConfig: { Type: 'none', Config: {} },
    },
  };
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
    // Anonymous volumes the node's eyes read (and that go with the node).
    Volumes: Object.fromEntries((SHARED_FOLDERS[roleOf(node)] ?? []).map((dir) => [dir, {}])),
    HostConfig: {
      NetworkMode: networkName,
      // Docker's default capabilities plus what keepalived and tcpdump need; never privileged.
      CapAdd: ['NET_ADMIN', 'NET_RAW'],
      Privileged: false,
      Memory: NODE_MEMORY_BYTES,
      MemorySwap: NODE_MEMORY_BYTES,
      PidsLimit: NODE_PIDS_LIMIT,
      ...cpuLimits(NODE_CPU_QUOTA_US, NODE_CPU_SHARES),
      // setuid programs in the node cannot gain more than the node's root has.
      SecurityOpt: ['no-new-privileges'],
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

/** Subnets this process is creating networks on, so that copies started at once pick different ones. */
const claimed = new Set<string>();

/**
 * The first free /24 of the pool that the engine accepts: a subnet another process took in the
 * meantime is refused by the engine (overlap), and the next one is tried.
 */
async function createNetworkFromPool(docker: Docker, name: string, lab: LabDefinition, instance: string, pool: string): Promise<LabAddresses> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const free = freeSubnets(pool, await engineSubnets(docker)).filter((s) => !claimed.has(s));
    const subnet = free[0];
    if (!subnet) break;
    claimed.add(subnet);
    try {
      const addresses = addressesFor(subnet, lab.vips);
      await createNetwork(docker, name, lab.id, instance, addresses);
      return addresses;
    } catch (err) {
      if (!(err instanceof HostConflictError)) throw err;
    } finally {
      claimed.delete(subnet);
    }
  }
  throw new HostConflictError(`No free /24 is left in the subnet pool ${pool}: remove unused labs (npx kalab down) or give a larger pool (KALAB_SUBNET_POOL=10.89.0.0/16).`);
}

/** Thrown when a copy of the same name belongs to a process that is still running. */
export class CopyInUseError extends HostConflictError {}

/** A leftover copy is removed before a new one starts, but never one that a live process owns. */
async function refuseLiveCopy(docker: Docker, instance: string): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: managedFilter(instance) });
  const owner = containers.map((c) => c.Labels[LABEL_OWNER]).find((o) => o !== currentOwner() && ownerMayBeAlive(o));
  if (owner) {
    const pid = owner.split('/').slice(-2)[0];
    throw new CopyInUseError(`Lab copy ${instance} is in use by another kalab process (pid ${pid}): wait for it to finish, or stop it (npx kalab down ${instance} removes the copy).`);
  }
}

/** Remove every container and network of one lab copy (or of all copies): returns how many. */
export function removeLabCopies(docker: Docker, instance?: string): Promise<number> {
  return removeLabelled(docker, managedFilter(instance));
}

/** Remove everything one runner process made (its watchdog's job once it is gone). */
export function removeOwned(docker: Docker, owner: string): Promise<number> {
  return removeLabelled(docker, ownerFilter(owner));
}

async function removeLabelled(docker: Docker, filters: { label: string[] }): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters });
  const remove = (list: Docker.ContainerInfo[]) =>
    Promise.all(
      list.map(async (info) => {
        const c = docker.getContainer(info.Id);
        // A paused container cannot be killed until it is unpaused.
        if (info.State === 'paused') await c.unpause().catch(() => undefined);
        // v: the node's anonymous volumes (its log folder) go with it.
        await c.remove({ force: true, v: true }).catch(ignoreGone);
      }),
    );
  // The eyes first: they hold the nodes' network namespaces and volumes.
  const isEyes = (info: Docker.ContainerInfo) => info.Labels[LABEL_PART] === 'eyes';
  await remove(containers.filter(isEyes));
  await remove(containers.filter((info) => !isEyes(info)));
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove().catch(ignoreGone)));
  return containers.length + networks.length;
}

function ignoreGone(err: unknown): void {
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 404 || status === 409) return; // already gone, or removal already in progress
  throw err;
}

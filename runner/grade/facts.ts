/**
 * What the grader knows about each lb node at a moment: frozen or running, keepalived and nginx
 * running, and the keepalived config it runs (keepalived.conf and everything it includes, read
 * from the node, since a learner may have edited it in place). All of it is read through the
 * engine, never by a program inside the node: processes from `docker top`, files from Docker's
 * archive API. Configs time the verdicts and explain failures; the wire cross-checks them
 * (runner/grade/step-runner.ts).
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import { readNodeFolder } from '../engine/node-files.ts';
import { execCollect } from '../engine/exec.ts';
import { parseKeepalivedData, type RunningInstance } from '../keepalived/data-dump.ts';
import { roleOf, type NodeName } from '../kinds/cast.ts';
import { includeRoots, parseKeepalivedFiles, type KeepalivedConfig } from '../keepalived/config.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import { nodeProcesses } from '../observe/processes.ts';
import type { NodeRunState } from '../shared/events.ts';

export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
const KEEPALIVED_DIR = '/etc/keepalived';
/** Include roots outside /etc/keepalived are read too, this many rounds deep (includes of includes). */
const INCLUDE_ROUNDS = 3;

export interface LbFacts {
  node: NodeName;
  run: NodeRunState;
  keepalivedRunning: boolean;
  /** Whether an nginx process exists (what the labs' health checks test), as last read. */
  nginxRunning?: boolean;
  /** Whether a haproxy process exists (the haproxy lab's health checks test it instead), as last read. */
  haproxyRunning?: boolean;
  /** The main config file's text as last read; a frozen node's last reading stands. */
  configText?: string;
  /** What keepalived runs: the main file with its includes followed. */
  config?: KeepalivedConfig;
  /** What keepalived itself says it runs (its SIGUSR1 dump), when it runs. */
  running?: RunningInstance[];
}

const lastSeen = new WeakMap<LabInstance, Map<NodeName, LbFacts>>();

export async function collectLbFacts(lab: LabInstance, observer: LabObserver): Promise<LbFacts[]> {
  const cache = lastSeen.get(lab) ?? new Map<NodeName, LbFacts>();
  lastSeen.set(lab, cache);
  const lbNodes = lab.nodes.filter((n) => roleOf(n) === 'lb');
  return Promise.all(
    lbNodes.map(async (node) => {
      const run = observer.view(node).run;
      if (run !== 'running') {
        const previous = cache.get(node);
        return { ...previous, node, run, keepalivedRunning: false };
      }
      const container = lab.container(node);
      const [processes, config] = await Promise.all([nodeProcesses(container), readKeepalivedConfig(lab, node)]);
      const facts: LbFacts = {
        node,
        run,
        keepalivedRunning: processes.has('keepalived'),
        nginxRunning: processes.has('nginx'),
        haproxyRunning: processes.has('haproxy'),
        ...config,
      };
      cache.set(node, facts);
      return facts;
    }),
  );
}

/**
 * keepalived's own dump of what it runs: SIGUSR1 makes it write /tmp/keepalived.data, read once it
 * is there (a bounded wait: keepalived writes it within milliseconds). The system's own programs,
 * by absolute path: a solution's /usr/local/bin cannot stand in for them.
 */
async function readRunningInstances(lab: LabInstance, node: NodeName): Promise<RunningInstance[] | undefined> {
  const dump = '/tmp/keepalived.data';
  const script = `p=$(/bin/cat /run/keepalived.pid 2>/dev/null) || exit 1; /bin/rm -f ${dump}; /bin/kill -USR1 "$p" || exit 1; i=0; while [ ! -s ${dump} ] && [ $i -lt 100 ]; do /bin/sleep 0.01; i=$((i+1)); done; /bin/cat ${dump}`;
  const result = await execCollect(lab.container(node), ['/bin/sh', '-c', script], { timeoutS: 5 }).catch(() => undefined);
  return result?.exitCode === 0 ? parseKeepalivedData(result.stdout) : undefined;
}

/** keepalived.conf and what it includes, as keepalived would read them: /etc/keepalived first, then any other folder an include names. */
async function readKeepalivedConfig(lab: LabInstance, node: NodeName): Promise<Pick<LbFacts, 'configText' | 'config'>> {
  const container = lab.container(node);
  const files = await readNodeFolder(container, KEEPALIVED_DIR);
  const configText = files.get(KEEPALIVED_CONF);
  if (configText === undefined || !configText.trim()) return {};
  let config = parseKeepalivedFiles(files, KEEPALIVED_CONF);
  const read = new Set([KEEPALIVED_DIR]);
  for (let round = 0; round < INCLUDE_ROUNDS; round++) {
    const more = includeRoots(config).filter((dir) => ![...read].some((r) => dir === r || dir.startsWith(`${r}/`)));
    if (more.length === 0) break;
    for (const dir of more) {
      read.add(dir);
      for (const [p, text] of await readNodeFolder(container, dir)) files.set(p, text);
    }
    config = parseKeepalivedFiles(files, KEEPALIVED_CONF);
  }
  return { configText, config };
}

/**
 * The first error `keepalived --config-test` reports for a node's config, or undefined when it
 * finds none. This is what a learner most needs when keepalived will not stay up.
 */
export async function configTestError(lab: LabInstance, node: NodeName): Promise<string | undefined> {
  const result = await lab.exec(node, `keepalived --config-test -l -f ${KEEPALIVED_CONF} 2>&1`, { timeoutS: 10 });
  return firstConfigError(result.stdout, result.exitCode);
}

/** Picks the line that explains a failed config test out of keepalived's output. */
export function firstConfigError(output: string, exitCode: number): string | undefined {
  const lines = output.split('\n').map((l) => l.replace(/^.*?Keepalived(?:_vrrp)?\[\d+\]:\s*/, '').trim()).filter(Boolean);
  const bad = lines.find((l) => /error|unknown|invalid|not exist|no such|cannot|can't|missing|failed|bad |not executable|permission/i.test(l) && !/^Opening file/i.test(l));
  if (bad) return bad;
  if (exitCode !== 0) return lines[lines.length - 1] ?? `keepalived --config-test exited with ${exitCode}`;
  return undefined;
}

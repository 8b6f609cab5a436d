/**
 * What the grader knows about each lb node at a moment: frozen or running, keepalived running,
 * and its keepalived.conf (read from the node, since a learner may have edited it in place).
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import { roleOf, type NodeName } from '../lab/definition.ts';
import { parseKeepalivedConfig, type KeepalivedConfig } from '../keepalived/config.ts';
import type { LabObserver } from '../observe/lab-observer.ts';
import type { NodeRunState } from '../shared/events.ts';

export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';

export interface LbFacts {
  node: NodeName;
  run: NodeRunState;
  keepalivedRunning: boolean;
  /** Whether an nginx process exists (what the labs' health checks test), as last read. */
  nginxRunning?: boolean;
  /** The config as last read; a frozen node answers no exec, so its last reading stands. */
  configText?: string;
  config?: KeepalivedConfig;
}

const SEPARATOR = '--kalab-config--';
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
      // One exec per node: are keepalived and nginx running, and what does the config say.
      const result = await lab.exec(
        node,
        `pidof keepalived >/dev/null && echo keepalived; pidof nginx >/dev/null && echo nginx; echo ${SEPARATOR}; cat ${KEEPALIVED_CONF} 2>/dev/null`,
        { timeoutS: 5 },
      );
      const [status = '', configText = ''] = result.stdout.split(`${SEPARATOR}\n`);
      const running = new Set(status.split('\n').map((l) => l.trim()));
      const facts: LbFacts = {
        node,
        run,
        keepalivedRunning: running.has('keepalived'),
        nginxRunning: running.has('nginx'),
        ...(configText.trim() ? { configText, config: parseKeepalivedConfig(configText) } : {}),
      };
      cache.set(node, facts);
      return facts;
    }),
  );
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

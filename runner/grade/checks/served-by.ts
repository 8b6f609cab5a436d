/** "client served by X": `curl http://VIP/` from the client answers with X's page. */
import type { NodeName } from '../../lab/definition.ts';
import type { Check, CheckContext, CheckResult } from '../check.ts';
import { listNodes } from '../diagnose.ts';

/** The node pages carry a machine-readable line naming the node (docker/node). */
const PAGE_MARKER = /kalab-node:\s*([a-z0-9]+)/;
const CURL_TIMEOUT_S = 2;

export function servedBy(node: NodeName): Check {
  return {
    label: `client served by ${node} at the VIP`,
    async judge({ lab, observer, timing, signal }: CheckContext): Promise<CheckResult> {
      const url = `http://${lab.addresses.vip}/`;
      // HTTP follows the VIP once the new master's gratuitous ARPs reach the client, so a request may
      // need repeating; each try is bounded by curl's own timeout and the step's deadline.
      let last = '';
      do {
        const r = await lab.exec('client', `curl -sS -m ${CURL_TIMEOUT_S} ${url}`, { timeoutS: CURL_TIMEOUT_S + 2 });
        const answered = PAGE_MARKER.exec(r.stdout)?.[1];
        if (answered === node) return { passed: true, message: `client got ${node}'s page from ${url}.` };
        last = answered ? `answered with ${answered}'s page` : r.exitCode === 28 ? 'timed out' : `failed (${(r.stderr.trim() || `curl exit ${r.exitCode}`).replace(/^curl: \(\d+\)\s*/, '')})`;
        if (answered) break; // a wrong answer is an answer: the VIP is elsewhere
      } while (Date.now() < timing.deadline && !signal?.aborted);

      const holders = observer.vip().runningHolders;
      let message = `client was not served by ${node}: ${url} ${last}.`;
      if (holders.length > 0 && /timed out|failed/.test(last)) {
        const strict = await lab.exec(holders[0]!, 'nft list ruleset 2>/dev/null | grep -c keepalived', { timeoutS: 5 });
        if (Number(strict.stdout.trim()) > 0) {
          message += ` ${holders[0]} holds the VIP but keepalived's vrrp_strict installed nftables rules that drop traffic to it: remove vrrp_strict from global_defs.`;
        } else {
          message += ` ${listNodes(holders)} holds the VIP: check that nginx runs there (systemctl status nginx).`;
        }
      }
      return { passed: false, message };
    },
  };
}

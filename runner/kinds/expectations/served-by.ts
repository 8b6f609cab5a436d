/**
 * "client served by X": an HTTP GET of http://VIP/ as the client sees it answers with X's page.
 * The request is made by the grader (lab.probeHttp), where no solution can alter it, and tried
 * again at a bounded pace: HTTP follows the VIP only once the new master's gratuitous ARPs reach
 * the client.
 */
import type { HttpProbeResult } from '../../engine/lab-instance.ts';
import { verdict, type CheckContext } from '../../grade/check.ts';
import { defineDiagnoses, listNodes, type Diagnosis } from '../../grade/diagnosis.ts';
import { STRICT_FIREWALL, strictDrops } from '../../grade/strict-firewall.ts';
import { probe } from '../../grade/wait/probe.ts';
import { waitFor, type Look } from '../../grade/wait/wait-for.ts';
import { WITHHELD } from '../../grade/withheld.ts';
import type { NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';
import { addressOf, nodeAtVipSchema, targetOf, vipsNamed, vipWords } from './vip-target.ts';

/** The node pages carry a machine-readable line naming the node (docker/node). */
const PAGE_MARKER = /kalab-node:\s*([a-z0-9]+)/;
const HTTP_TIMEOUT_S = 2;

const notServed = (p: { node: NodeName; url: string }, what: string, causes: readonly string[] = []) =>
  `client was not served by ${p.node}: ${p.url} ${what}.${causes.length ? ` ${causes.join(' ')}` : ''}`;

const DIAGNOSES = defineDiagnoses({
  'served-by-node': (p: { node: NodeName; url: string }) => `client got ${p.node}'s page from ${p.url}.`,
  'served-wrong-node': (p: { node: NodeName; url: string; answered: string }) => notServed(p, `answered with ${p.answered}'s page`),
  'served-no-node-page': (p: { node: NodeName; url: string; status: number }) => notServed(p, `answered HTTP ${p.status} without a node's page`),
  'served-timeout': (p: { node: NodeName; url: string }, causes) => notServed(p, 'timed out', causes),
  'served-error': (p: { node: NodeName; url: string; detail: string }, causes) => notServed(p, `failed (${p.detail})`, causes),
  'cause-holder-not-serving': (p: { holders: NodeName[] }) => `${listNodes(p.holders)} holds the VIP: check that nginx runs there (systemctl status nginx).`,
});
const say = DIAGNOSES.say;

interface Answer {
  result: HttpProbeResult;
  /** The node whose page it was, when it was a node's page. */
  page?: string;
}

export const servedBy = defineExpectation({
  kind: 'served-by',
  description: "An HTTP GET of `http://<VIP>/` (the lab's first VIP, or `vip`) as the client sees it answers with this node's page (tried again, at a growing pace, until the deadline).",
  params: nodeAtVipSchema,
  nodes: (p) => [targetOf(p).node],
  vips: (p) => vipsNamed(p),
  diagnoses: [DIAGNOSES, WITHHELD, STRICT_FIREWALL],
  check: (p) => {
    const target = targetOf(p);
    const { node } = target;
    return {
      label: `client served by ${node} at the ${vipWords(target)}`,
      async judge(ctx) {
        const vip = addressOf(ctx.lab.addresses, target);
        const url = `http://${vip}/`;
        const tryOnce = async (): Promise<Look<Answer>> => {
          const result = await ctx.lab.probeHttp(url, HTTP_TIMEOUT_S);
          const page = result.ok ? PAGE_MARKER.exec(result.body)?.[1] : undefined;
          // A node's page is an answer, even the wrong node's: the VIP is elsewhere, asking again changes nothing.
          return { done: page !== undefined, value: page ? { result, page } : { result } };
        };
        const { value: answer } = await waitFor(probe(tryOnce), { deadline: ctx.timing.deadline, ...(ctx.signal ? { signal: ctx.signal } : {}) });
        if (!answer) return verdict(false, WITHHELD.say('check-aborted', {}));
        if (answer.page === node) return verdict(true, say('served-by-node', { node, url }));
        return verdict(false, await notServedBy(ctx, node, vip, url, answer));
      },
    };
  },
});

async function notServedBy({ lab, observer, facts }: CheckContext, node: NodeName, vip: string, url: string, { result, page }: Answer): Promise<Diagnosis> {
  if (page) return say('served-wrong-node', { node, url, answered: page });
  if (result.ok) return say('served-no-node-page', { node, url, status: result.status });
  // Nothing answered although a node holds the VIP: vrrp_strict's firewall, or no web server there.
  const holders = observer.vip(vip).runningHolders;
  const causes: Diagnosis[] = [];
  if (holders.length > 0) {
    causes.push((await strictDrops(lab, holders[0]!, vip, facts)) ?? say('cause-holder-not-serving', { holders }));
  }
  if (result.reason === 'timeout') return say('served-timeout', { node, url }, causes);
  return say('served-error', { node, url, detail: result.detail }, causes);
}

declare module '../registry.ts' {
  interface ExpectationKinds {
    'served-by': typeof servedBy;
  }
}

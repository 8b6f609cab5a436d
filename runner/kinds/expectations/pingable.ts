/**
 * "The VIP answers ping": an ICMP echo from the client to the VIP is answered. The ping runs in the
 * client's eyes (the client's network namespace, the grader's own ping), where no solution can
 * alter it, tried again at a bounded pace until the deadline: the tutorials' first test of a VIP,
 * and the first thing strict mode's firewall takes away (seed 000: "开启vrrp_strict就ping不通").
 */
import { z } from 'zod';
import { verdict } from '../../grade/check.ts';
import { defineDiagnoses, type Diagnosis } from '../../grade/diagnosis.ts';
import { STRICT_FIREWALL, strictDrops } from '../../grade/strict-firewall.ts';
import { probe } from '../../grade/wait/probe.ts';
import { waitFor, type Look } from '../../grade/wait/wait-for.ts';
import type { NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';

/** One echo, given a second: a LAN answers in well under a millisecond. */
const PING = (vip: string) => `ping -n -c 1 -W 1 ${vip}`;

const DIAGNOSES = defineDiagnoses({
  'ping-answered': (p: { vip: string; rttMs: number | null }) => `${p.vip} answers ping from the client${p.rttMs === null ? '' : ` (${p.rttMs} ms)`}.`,
  'ping-unanswered': (p: { vip: string; holders: NodeName[] }, causes) =>
    `${p.vip} does not answer ping from the client${p.holders.length ? `, although ${p.holders.join(' and ')} holds it` : ': no running node holds it'}.${causes.length ? ` ${causes.join(' ')}` : ''}`,
});
const say = DIAGNOSES.say;

export const pingable = defineExpectation({
  kind: 'pingable',
  description: 'The VIP answers ping (an ICMP echo) from the client (tried again, at a growing pace, until the deadline).',
  params: z.literal('vip'),
  nodes: () => [],
  diagnoses: [DIAGNOSES, STRICT_FIREWALL],
  check: () => ({
    label: 'the VIP answers ping from the client',
    async judge({ lab, observer, timing, facts, signal }) {
      const vip = lab.addresses.vip;
      const tryOnce = async (): Promise<Look<number | null>> => {
        const r = await lab.execBeside('client', PING(vip), { timeoutS: 3 });
        const rtt = /time=([\d.]+) ms/.exec(r.stdout)?.[1];
        return r.exitCode === 0 ? { done: true, value: rtt ? Math.round(Number(rtt) * 100) / 100 : null } : { done: false };
      };
      const answered = await waitFor(probe(tryOnce), { deadline: timing.deadline, ...(signal ? { signal } : {}) });
      if (answered.ended === 'done') return verdict(true, say('ping-answered', { vip, rttMs: answered.value ?? null }));
      const holders = observer.vip().runningHolders;
      const causes: Diagnosis[] = [];
      const drops = holders[0] ? await strictDrops(lab, holders[0], vip, facts) : undefined;
      if (drops) causes.push(drops);
      return verdict(false, say('ping-unanswered', { vip, holders }, causes));
    },
  }),
});

declare module '../registry.ts' {
  interface ExpectationKinds {
    pingable: typeof pingable;
  }
}

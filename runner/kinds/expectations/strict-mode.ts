/**
 * "Strict mode in force on X": keepalived runs on X, and the vrrp_instance of the VIP runs in
 * strict mode (vrrp_strict in global_defs, or strict_mode on in the instance) in the config
 * keepalived runs, read through the engine with every include (grade/facts.ts).
 *
 * The config is the evidence because nothing else shows it, as measured with keepalived 2.2.7: a
 * strict VRRPv3 instance sends byte for byte the adverts a lax one sends, and with `accept` it
 * installs no firewall at all; only without `accept`, and only while the instance is MASTER, does
 * its `table ip keepalived` appear, and that is the drop the lab is about, not strict mode itself.
 * The table, read from the node's eyes, is reported beside the verdict.
 */
import { verdict } from '../../grade/check.ts';
import { instanceFor } from '../../grade/diagnose.ts';
import { defineDiagnoses, type Diagnosis } from '../../grade/diagnosis.ts';
import { readKeepalivedTables, type DropRule } from '../../grade/strict-firewall.ts';
import { nodeNameSchema, type NodeName } from '../cast.ts';
import { defineExpectation } from '../kind.ts';

const DIAGNOSES = defineDiagnoses({
  'strict-mode-on': (p: { node: NodeName; instance: string; by: 'vrrp_strict' | 'strict_mode'; table: string | null; rules: DropRule[] }) => {
    const by = p.by === 'vrrp_strict' ? 'vrrp_strict in global_defs' : 'strict_mode on in the instance';
    const firewall = p.rules.length
      ? `keepalived's table ${p.table} drops traffic to the VIP (${p.rules.map((r) => `chain ${r.chain}: ${r.rule}`).join('; ')})`
      : 'keepalived has no rule here that drops traffic to the VIP';
    return `${p.node} runs vrrp_instance ${p.instance} in strict mode (${by}); ${firewall}.`;
  },
  'strict-mode-off': (p: { node: NodeName; instance: string; turnedOff: boolean }) =>
    `${p.node} does not run vrrp_instance ${p.instance} in strict mode: ${
      p.turnedOff ? `global_defs has vrrp_strict, but the instance turns it off (strict_mode off)` : 'its keepalived.conf has no vrrp_strict in global_defs'
    }. This lab keeps strict mode on: add vrrp_strict to global_defs and make the instance what strict mode allows (VRRPv3, no authentication) with accept, so that the VIP still takes traffic.`,
  'strict-mode-no-instance': (p: { node: NodeName; vip: string }) => `${p.node}'s keepalived.conf has no vrrp_instance for the VIP ${p.vip}, so no strict mode to check.`,
  'strict-mode-keepalived-stopped': (p: { node: NodeName }) => `keepalived is not running on ${p.node}, so nothing runs in strict mode there.`,
});
const say = DIAGNOSES.say;

export const strictMode = defineExpectation({
  kind: 'strict-mode',
  description:
    "keepalived runs on this node and its config (as keepalived reads it, includes too) puts the VIP's vrrp_instance in strict mode (vrrp_strict, or strict_mode on); the message says whether keepalived's nftables table drops traffic to the VIP.",
  params: nodeNameSchema,
  nodes: (node) => [node],
  diagnoses: [DIAGNOSES],
  check: (node) => ({
    label: `strict mode in force on ${node}`,
    async judge({ lab, facts }) {
      const vip = lab.addresses.vip;
      const f = facts.find((x) => x.node === node);
      if (!f?.keepalivedRunning) return verdict(false, say('strict-mode-keepalived-stopped', { node }));
      const inst = instanceFor(f.config, vip);
      if (!f.config || !inst) return verdict(false, say('strict-mode-no-instance', { node, vip }));
      if (!inst.strictMode) return verdict(false, say('strict-mode-off', { node, instance: inst.name, turnedOff: f.config.global.vrrpStrict }));
      return verdict(true, await strictModeOn(lab, node, inst.name, f.config.global.vrrpStrict));
    },
  }),
});

async function strictModeOn(lab: Parameters<typeof readKeepalivedTables>[0], node: NodeName, instance: string, global: boolean): Promise<Diagnosis> {
  const table = (await readKeepalivedTables(lab, node))[0];
  return say('strict-mode-on', { node, instance, by: global ? 'vrrp_strict' : 'strict_mode', table: table?.table ?? null, rules: table?.drops ?? [] });
}

declare module '../registry.ts' {
  interface ExpectationKinds {
    'strict-mode': typeof strictMode;
  }
}

/**
 * Timing from what keepalived really runs. The configs a node holds are read from its files
 * (facts.ts), but keepalived may run another: a file edited and not reloaded, an include the
 * reader could not follow. The adverts on the wire carry each master's VRID, advert interval and
 * priority as keepalived sends them, so where the wire and the config disagree the wire wins: the
 * step is timed from a config corrected by what was seen, and a failure says so (a cause
 * `cause-timing-from-wire`).
 */
import { parseKeepalivedConfig, type KeepalivedConfig, type VrrpInstance } from '../keepalived/config.ts';
import type { NodeName } from '../kinds/cast.ts';
import type { LabEvent } from '../shared/events.ts';
import { defineDiagnoses, type Diagnosis, type NoParams } from './diagnosis.ts';
import type { LbFacts } from './facts.ts';

export type WireAdvert = Pick<Extract<LabEvent, { type: 'advert' }>, 'node' | 'vrid' | 'intervalS' | 'priority' | 'version' | 't'>;

export interface WireDisagreement {
  node: NodeName;
  vrid: number;
  /** What differs: the advert interval, or the instance itself (the config has none with this VRID). */
  field: 'advert_int' | 'instance';
  config: number | null;
  wire: number;
  /** Who said so: the adverts on the wire, or keepalived's own dump of what it runs. */
  source?: 'wire' | 'keepalived';
}

/** How far back an advert still tells what a node runs now: a few intervals at the slowest rate. */
export const WIRE_MEMORY_MS = 10_000;

/** The newest advert per node and VRID, among those seen since `since`. */
export function latestAdverts(events: readonly LabEvent[], since: number): WireAdvert[] {
  const latest = new Map<string, WireAdvert>();
  for (const e of events) {
    if (e.type !== 'advert' || e.t < since) continue;
    const key = `${e.node} ${e.vrid}`;
    const seen = latest.get(key);
    if (!seen || seen.t <= e.t) latest.set(key, { node: e.node, vrid: e.vrid, intervalS: e.intervalS, priority: e.priority, version: e.version, t: e.t });
  }
  return [...latest.values()];
}

/** An instance as the wire shows it, for a VRID the node's config does not have: keepalived's defaults for the rest. */
function instanceFromWire(a: WireAdvert): VrrpInstance {
  const text = `vrrp_instance wire_vrid_${a.vrid} {\n  state BACKUP\n  interface eth0\n  version ${a.version === 3 ? 3 : 2}\n  virtual_router_id ${a.vrid}\n  priority ${Math.max(1, Math.min(255, a.priority))}\n  advert_int ${a.intervalS}\n}\n`;
  return parseKeepalivedConfig(text).instances[0]!;
}

/**
 * The running nodes' configs corrected by the wire: an instance whose advert interval differs
 * from what its node sends takes the wire's; a VRID a node sends that its config lacks becomes an
 * instance of its own. Returns the corrected configs (by node) and what disagreed.
 */
export function correctByWire(facts: readonly LbFacts[], adverts: readonly WireAdvert[]): { configs: Map<NodeName, KeepalivedConfig>; disagreements: WireDisagreement[] } {
  const configs = new Map<NodeName, KeepalivedConfig>();
  const disagreements: WireDisagreement[] = [];
  for (const f of facts) {
    if (f.run !== 'running' || !f.keepalivedRunning) continue;
    // keepalived's own account first (it covers a backup, which sends nothing), then the wire.
    const said: { a: WireAdvert; source: 'keepalived' | 'wire' }[] = [
      ...(f.running ?? [])
        .filter((r) => r.vrid !== undefined && r.advertIntS !== undefined)
        .map((r) => ({ a: { node: f.node, vrid: r.vrid!, intervalS: r.advertIntS!, priority: r.effectivePriority ?? r.priority ?? 100, version: r.version ?? 2, t: 0 }, source: 'keepalived' as const })),
      ...adverts.filter((a) => a.node === f.node).map((a) => ({ a, source: 'wire' as const })),
    ];
    const base: KeepalivedConfig | undefined = f.config;
    if (!base && said.length === 0) continue;
    const instances = (base?.instances ?? []).map((i) => ({ ...i }));
    for (const { a, source } of said) {
      const inst = instances.find((i) => i.virtualRouterId === a.vrid);
      if (!inst) {
        instances.push(instanceFromWire(a));
        disagreements.push({ node: f.node, vrid: a.vrid, field: 'instance', config: null, wire: a.intervalS, source });
      } else if (Math.abs(inst.advertIntS - a.intervalS) > 1e-9) {
        disagreements.push({ node: f.node, vrid: a.vrid, field: 'advert_int', config: inst.advertIntS, wire: a.intervalS, source });
        inst.advertIntS = a.intervalS;
      }
    }
    configs.set(f.node, { ...(base ?? parseKeepalivedConfig('')), instances });
  }
  return { configs, disagreements };
}

export const WIRE_DIAGNOSES = defineDiagnoses({
  /** A failed verdict (first cause) that was timed from the wire (second cause). */
  'verdict-timed-from-wire': (_: NoParams, causes) => causes.join(' '),
  'cause-timing-from-wire': (p: { disagreements: { node: string; vrid: number; field: string; config: number | null; wire: number; source?: string }[] }) =>
    `The step was timed from what the nodes run, not from their files: ${p.disagreements
      .map((d) => {
        const says = d.source === 'keepalived' ? `${d.node}'s keepalived runs VRID ${d.vrid} at ${d.wire} s` : `${d.node} sends VRID ${d.vrid} every ${d.wire} s`;
        return d.field === 'instance'
          ? `${says}, but no vrrp_instance in its config has that virtual_router_id (edited without a restart, or in a file keepalived reads and the grader could not)`
          : `${says}, while its config says advert_int ${d.config} (changed without a restart?)`;
      })
      .join('; ')}.`,
});

/** A failed step's diagnosis, saying also that its timing came from the wire where it did. */
export function withWireTiming(failure: Diagnosis, disagreements: readonly WireDisagreement[] | undefined): Diagnosis {
  if (!disagreements?.length) return failure;
  const wire = WIRE_DIAGNOSES.say('cause-timing-from-wire', { disagreements: disagreements.map((d) => ({ ...d })) });
  return WIRE_DIAGNOSES.say('verdict-timed-from-wire', {}, [failure, wire]);
}

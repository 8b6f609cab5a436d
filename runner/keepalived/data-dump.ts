/**
 * What keepalived itself says it runs: on SIGUSR1, keepalived 2.2.7 writes its effective
 * configuration and state to /tmp/keepalived.data (vrrp_print_data, keepalived/vrrp/vrrp_print.c).
 * Per instance it gives the VRID, the priorities, the advert interval and its own Master down
 * timer, whatever file the instance was written in and whatever a learner edited since the last
 * restart. The grader times steps from this where it has it; the file is inside the node, so the
 * wire (adverts) still wins where the two disagree (grade/wire-timing.ts).
 */

export interface RunningInstance {
  name: string;
  vrid?: number;
  version?: number;
  state?: string;
  priority?: number;
  effectivePriority?: number;
  advertIntS?: number;
  /** keepalived's own Master_Down_Interval for this instance, in ms. */
  masterDownMs?: number;
  preempt?: boolean;
  preemptDelayS?: number;
}

const field = (block: string, name: string): string | undefined =>
  new RegExp(`^\\s*${name.replace(/ /g, '\\s+')}\\s*=\\s*(.+?)\\s*$`, 'm').exec(block)?.[1];

const num = (s: string | undefined): number | undefined => {
  const m = s === undefined ? null : /^-?\d+(?:\.\d+)?/.exec(s);
  return m ? Number(m[0]) : undefined;
};

/** The instances of a keepalived.data dump, in file order. */
export function parseKeepalivedData(text: string): RunningInstance[] {
  const topology = text.split(/^-+<\s*VRRP Topology\s*>-+$/m)[1]?.split(/^-+<.*>-+$/m)[0] ?? '';
  return topology
    .split(/^\s*VRRP Instance\s*=\s*/m)
    .slice(1)
    .map((block) => {
      const name = block.split('\n')[0]!.trim();
      const advert = field(block, 'Advert interval');
      const advertS = advert === undefined ? undefined : /milli|ms/i.test(advert) ? num(advert)! / 1000 : num(advert);
      const downUs = num(field(block, 'Master down timer'));
      const instance: RunningInstance = { name };
      const set = <K extends keyof RunningInstance>(k: K, v: RunningInstance[K] | undefined) => v !== undefined && (instance[k] = v);
      set('vrid', num(field(block, 'Virtual Router ID')));
      set('version', num(field(block, 'VRRP Version')));
      set('state', field(block, 'State'));
      set('priority', num(field(block, 'Priority')));
      set('effectivePriority', num(field(block, 'Effective priority')));
      set('advertIntS', advertS);
      set('masterDownMs', downUs === undefined ? undefined : downUs / 1000);
      const preempt = field(block, 'Preempt');
      set('preempt', preempt === undefined ? undefined : /enabled/i.test(preempt));
      set('preemptDelayS', num(field(block, 'Preempt delay')));
      return instance;
    });
}

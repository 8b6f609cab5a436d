import { describe, expect, it } from 'vitest';
import { codesOf, listNodes, type Diagnosis } from '../../runner/grade/diagnosis.ts';
import { healthCheckCause, instanceFor, splitBrain, takeBackCause } from '../../runner/grade/diagnose.ts';
import type { LbFacts } from '../../runner/grade/facts.ts';
import { parseKeepalivedConfig } from '../../runner/keepalived/config.ts';
import type { NodeName } from '../../runner/lab/definition.ts';

interface ConfOptions {
  routerId: string;
  state?: 'MASTER' | 'BACKUP';
  vrid?: number;
  priority?: number;
  nopreempt?: boolean;
  authPass?: string;
  vip: string;
  unicast?: { src: string; peers: string[] };
  /** vrrp_script chk_nginx with this weight; undefined: no vrrp_script at all. */
  scriptWeight?: number;
  track?: boolean;
}

/** A keepalived.conf as the labs write them (labs/<id>/solution and broken), with the parts a test varies. */
function conf(o: ConfOptions): string {
  const script =
    o.scriptWeight === undefined
      ? ''
      : `
! Exit 0 while an nginx process exists.
vrrp_script chk_nginx {
    script "/usr/bin/killall -0 nginx"
    interval 1
    fall 2
    rise 1
    weight ${o.scriptWeight}
}
`;
  const unicast = o.unicast
    ? `    unicast_src_ip ${o.unicast.src}
    unicast_peer {
${o.unicast.peers.map((p) => `        ${p}`).join('\n')}
    }
`
    : '';
  return `! Configuration File for keepalived
global_defs {
   router_id ${o.routerId}
   script_user root
   enable_script_security
}
${script}
vrrp_instance VI_1 {
    state ${o.state ?? 'BACKUP'}
    interface eth0
    virtual_router_id ${o.vrid ?? 51}
    priority ${o.priority ?? 100}
${o.nopreempt ? '    nopreempt\n' : ''}    advert_int 1
${unicast}    authentication {
        auth_type PASS
        auth_pass ${o.authPass ?? 'kalab123'}
    }
    virtual_ipaddress {
        ${o.vip}/24 dev eth0
    }
${o.track ? '    track_script {\n        chk_nginx\n    }\n' : ''}}
`;
}

function lb(node: NodeName, text: string, extra: Partial<LbFacts> = {}): LbFacts {
  return { node, run: 'running', keepalivedRunning: true, nginxRunning: true, configText: text, config: parseKeepalivedConfig(text), ...extra };
}

describe('listNodes and instanceFor', () => {
  it('lists nodes the way a sentence does', () => {
    expect(listNodes([])).toBe('');
    expect(listNodes(['lb1'])).toBe('lb1');
    expect(listNodes(['lb1', 'lb2'])).toBe('lb1 and lb2');
    expect(listNodes(['lb1', 'lb2', 'web1'])).toBe('lb1, lb2 and web1');
  });
  it("picks the instance that carries the lab's VIP, else the first", () => {
    const config = parseKeepalivedConfig(`global_defs {
   router_id lb1
}

vrrp_instance OTHER {
    state BACKUP
    interface eth0
    virtual_router_id 60
    priority 100
    virtual_ipaddress {
        10.88.1.200/24 dev eth0
    }
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    virtual_ipaddress {
        10.88.1.100/24 dev eth0
    }
}
`);
    expect(config.instances.map((i) => i.name)).toEqual(['OTHER', 'VI_1']);
    expect(instanceFor(config, '10.88.1.100')?.name).toBe('VI_1');
    expect(instanceFor(config, '10.88.9.9')?.name).toBe('OTHER');
    expect(instanceFor(undefined, '10.88.1.100')).toBeUndefined();
  });
});

describe('the fixture configs', () => {
  it('parse without warnings, with what each option asked for', () => {
    const config = parseKeepalivedConfig(
      conf({ routerId: 'lb1', state: 'MASTER', vrid: 52, priority: 150, vip: '10.88.4.100', unicast: { src: '10.88.4.11', peers: ['10.88.4.12'] }, scriptWeight: -30, track: true }),
    );
    expect(config.warnings).toEqual([]);
    expect(config.instances[0]).toMatchObject({
      name: 'VI_1', state: 'MASTER', virtualRouterId: 52, priority: 150, authPass: 'kalab123',
      virtualIpAddresses: ['10.88.4.100'], unicastSrcIp: '10.88.4.11', unicastPeers: ['10.88.4.12'], trackScripts: [{ name: 'chk_nginx' }],
    });
    expect(config.scripts.chk_nginx).toMatchObject({ weight: -30, fall: 2, rise: 1 });
  });
});

describe('splitBrain', () => {
  const VIP = '10.88.1.100';
  const address = (node: NodeName) => `10.88.1.${node === 'lb1' ? 11 : 12}`;
  const diagnose = (facts: LbFacts[]) => splitBrain(['lb2', 'lb1'], facts, VIP, address);
  const SPLIT = 'Split brain: lb1 and lb2 both hold the VIP 10.88.1.100. ';

  it('finds a virtual_router_id that differs (basic-vip broken/vrid-mismatch)', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', state: 'MASTER', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', vrid: 52, priority: 90, vip: VIP }))];
    const d = diagnose(facts);
    expect(d.text).toBe(
      `${SPLIT}Likely cause: virtual_router_id differs (lb1: 51, lb2: 52): each ignores the other's adverts as another router's, so both become MASTER; use the same id on both.`,
    );
    expect(codesOf(d)).toEqual(['vip-split-brain', 'cause-vrid-differs']);
    expect(d.params).toEqual({ holders: ['lb1', 'lb2'], vip: VIP });
    expect(d.causes?.[0]?.params).toEqual({ a: 'lb1', aVrid: 51, b: 'lb2', bVrid: 52 });
  });

  it('finds an auth_pass that differs (basic-vip broken/auth-mismatch)', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', priority: 90, authPass: 'kalab456', vip: VIP }))];
    const d = diagnose(facts);
    expect(d.text).toBe(
      `${SPLIT}Likely cause: authentication differs (auth_pass "kalab123" on lb1, "kalab456" on lb2; only the first 8 characters count): adverts that fail authentication are dropped; use the same auth_type and auth_pass on both.`,
    );
    expect(codesOf(d)).toEqual(['vip-split-brain', 'cause-auth-differs']);
    expect(d.causes?.[0]?.params).toEqual({ a: 'lb1', aPass: 'kalab123', b: 'lb2', bPass: 'kalab456' });
  });

  it('does not blame passwords that differ only after the 8th character', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', authPass: 'kalab123-one', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', authPass: 'kalab123-two', vip: VIP }))];
    const d = diagnose(facts);
    expect(d.text).not.toMatch(/authentication differs/);
    expect(codesOf(d)).not.toContain('cause-auth-differs');
  });

  it('reports every difference it finds, in one sentence', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', vrid: 61, authPass: 'secret', vip: VIP }))];
    const d = diagnose(facts);
    expect(d.text).toMatch(/^Split brain: .* Likely cause: virtual_router_id differs \(lb1: 51, lb2: 61\).*; authentication differs \(auth_pass "kalab123" on lb1, "secret" on lb2;/);
    expect(codesOf(d)).toEqual(['vip-split-brain', 'cause-vrid-differs', 'cause-auth-differs']);
  });

  it('finds a node that alone uses unicast', () => {
    const facts = [
      lb('lb1', conf({ routerId: 'lb1', vip: VIP, unicast: { src: '10.88.1.11', peers: ['10.88.1.12'] } })),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP })),
    ];
    const d = diagnose(facts);
    expect(d.text).toBe(
      `${SPLIT}Likely cause: only lb1 uses unicast: the other still sends multicast adverts to 224.0.0.18, which a unicast node does not accept; configure unicast on both or neither.`,
    );
    expect(codesOf(d)).toEqual(['vip-split-brain', 'cause-unicast-one-sided']);
  });

  it('finds a unicast_peer that does not name the other node', () => {
    const facts = [
      lb('lb1', conf({ routerId: 'lb1', vip: VIP, unicast: { src: '10.88.1.11', peers: ['10.88.1.13'] } })),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP, unicast: { src: '10.88.1.12', peers: ['10.88.1.11'] } })),
    ];
    const d = diagnose(facts);
    expect(d.text).toBe(`${SPLIT}Likely cause: lb1's unicast_peer (10.88.1.13) does not name lb2, so its adverts never reach it.`);
    expect(codesOf(d)).toEqual(['vip-split-brain', 'cause-unicast-peer-misses']);
    expect(d.causes?.[0]?.params).toEqual({ node: 'lb1', peers: ['10.88.1.13'], peer: 'lb2' });
  });

  it('gives the general advice when nothing differs', () => {
    const generic = `${SPLIT}Check virtual_router_id, auth_pass and unicast peers on both nodes: they must agree for the nodes to hear each other.`;
    const facts = [lb('lb1', conf({ routerId: 'lb1', state: 'MASTER', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP }))];
    expect(diagnose(facts).text).toBe(generic);
    expect(codesOf(diagnose(facts))).toEqual(['vip-split-brain']);
    // Only one config known (the other node frozen before it was ever read): nothing to compare.
    expect(diagnose([facts[0]!, { node: 'lb2', run: 'frozen', keepalivedRunning: false }]).text).toBe(generic);
  });

  it('says "all" when more than two nodes hold the VIP', () => {
    expect(splitBrain(['lb2', 'lb1', 'web1'], [], VIP, address).text).toMatch(/^Split brain: lb1, lb2 and web1 all hold the VIP 10\.88\.1\.100\. /);
  });
});

/** A cause as the tests pin it: its code and its text. */
const said = (d: Diagnosis | undefined) => d && { code: d.code, text: d.text };

describe('takeBackCause', () => {
  const VIP = '10.88.2.100';

  it('explains nopreempt next to state MASTER (nopreempt broken/master-with-nopreempt)', () => {
    const facts = [
      lb('lb1', conf({ routerId: 'lb1', state: 'MASTER', nopreempt: true, vip: VIP })),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, nopreempt: true, vip: VIP })),
    ];
    const cause = takeBackCause(facts, VIP, 'lb1', 'lb2');
    expect(said(cause)).toEqual({
      // What labs/nopreempt/lab.yaml names for broken/master-with-nopreempt.
      code: 'cause-nopreempt-with-master',
      text: 'lb1 took the VIP back although nopreempt is set: nopreempt is ignored when the initial state is MASTER (keepalived clears it and logs "nopreempt will not work"); set state BACKUP on both nodes.',
    });
    expect(cause?.params).toEqual({ node: 'lb1' });
    expect(cause?.text).toMatch(/lb1 took the VIP back although nopreempt is set.*nopreempt is ignored when the initial state is MASTER.*state BACKUP/);
  });

  it('explains nopreempt with priority 255', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', priority: 255, nopreempt: true, vip: VIP })), lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP }))];
    expect(said(takeBackCause(facts, VIP, 'lb1', 'lb2'))).toEqual({
      code: 'cause-nopreempt-with-owner-priority',
      text: 'lb1 took the VIP back although nopreempt is set: nopreempt is ignored with priority 255 (address owner) (keepalived clears it and logs "nopreempt will not work"); give it a priority below 255.',
    });
  });

  it('explains a missing nopreempt with a higher priority (nopreempt broken/no-nopreempt)', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', priority: 90, nopreempt: true, vip: VIP }))];
    expect(said(takeBackCause(facts, VIP, 'lb1', 'lb2'))).toEqual({
      code: 'cause-no-nopreempt',
      text: 'lb1 has no nopreempt and a higher priority (100 > 90), so it preempts lb2 as soon as it can; add nopreempt (with state BACKUP) or give both the same priority.',
    });
  });

  it('explains a higher priority coming back with a health check (equal-priority broken/unequal-priorities)', () => {
    const V = '10.88.3.100';
    const facts = [
      lb('lb1', conf({ routerId: 'lb1', vip: V, scriptWeight: -30, track: true })),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: V, scriptWeight: -30, track: true })),
    ];
    const cause = takeBackCause(facts, V, 'lb1', 'lb2');
    expect(said(cause)).toEqual({
      // What labs/equal-priority/lab.yaml names for broken/unequal-priorities.
      code: 'cause-preempts-when-healthy',
      text: "lb1's priority (100) is higher than lb2's (90): once its health check passed again, lb1 was back at 100 and preempted lb2, a second move. Give both the same priority: a BACKUP never preempts a MASTER of equal priority.",
    });
    expect(cause?.params).toEqual({ taker: 'lb1', takerPriority: 100, keeper: 'lb2', keeperPriority: 90 });
    expect(cause?.text).toMatch(/lb1's priority \(100\) is higher than lb2's \(90\).*give both the same priority/i);
  });

  it('has nothing to say when the configs explain nothing', () => {
    const equal = [lb('lb1', conf({ routerId: 'lb1', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', vip: VIP }))];
    expect(takeBackCause(equal, VIP, 'lb1', 'lb2')).toBeUndefined();
    const lower = [lb('lb1', conf({ routerId: 'lb1', priority: 80, vip: VIP })), lb('lb2', conf({ routerId: 'lb2', vip: VIP }))];
    expect(takeBackCause(lower, VIP, 'lb1', 'lb2')).toBeUndefined();
    const honoured = [lb('lb1', conf({ routerId: 'lb1', nopreempt: true, vip: VIP })), lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP }))];
    expect(takeBackCause(honoured, VIP, 'lb1', 'lb2')).toBeUndefined();
    expect(takeBackCause([{ node: 'lb1', run: 'frozen', keepalivedRunning: false }, equal[1]!], VIP, 'lb1', 'lb2')).toBeUndefined();
  });
});

describe('healthCheckCause', () => {
  const VIP = '10.88.3.100';
  const stopped = { nginxRunning: false };

  it('finds no vrrp_script at all', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP }), stopped), lb('lb2', conf({ routerId: 'lb2', vip: VIP }))];
    expect(said(healthCheckCause(facts, VIP, 'lb1', 'lb2'))).toEqual({
      code: 'cause-no-health-check',
      text: 'lb1 kept the VIP with nginx stopped: its keepalived.conf has no vrrp_script and no track_script, so nothing tells keepalived that nginx is down. Define a vrrp_script that checks nginx (e.g. killall -0 nginx, with weight -30) and list it in track_script inside vrrp_instance VI_1.',
    });
  });

  it('finds a vrrp_script that no track_script uses (equal-priority broken/no-track-script)', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP, scriptWeight: -30 }), stopped), lb('lb2', conf({ routerId: 'lb2', vip: VIP, scriptWeight: -30 }))];
    const cause = healthCheckCause(facts, VIP, 'lb1', 'lb2');
    expect(said(cause)).toEqual({
      // What labs/equal-priority/lab.yaml names for broken/no-track-script.
      code: 'cause-track-script-missing',
      text: "lb1 kept the VIP with nginx stopped: no track_script ties the vrrp_script chk_nginx to vrrp_instance VI_1, so keepalived never runs the check and lb1's priority stays 100. Add track_script { chk_nginx } inside vrrp_instance VI_1.",
    });
    expect(cause?.params).toEqual({ holder: 'lb1', scripts: ['chk_nginx'], instance: 'VI_1', priority: 100, warning: null });
    expect(cause?.text).toMatch(/lb1 kept the VIP with nginx stopped.*no track_script ties the vrrp_script chk_nginx/);
  });

  it('quotes the parser warning when track_script names an unknown script', () => {
    const text = conf({ routerId: 'lb1', vip: VIP, scriptWeight: -30 }).replace(/}\n$/, '    track_script {\n        chk_ngnix\n    }\n}\n');
    const facts = [lb('lb1', text, stopped), lb('lb2', conf({ routerId: 'lb2', vip: VIP, scriptWeight: -30, track: true }))];
    const cause = healthCheckCause(facts, VIP, 'lb1', 'lb2');
    expect(cause?.code).toBe('cause-track-script-missing');
    expect(cause?.text).toMatch(
      /^lb1 kept the VIP with nginx stopped: no track_script ties the vrrp_script chk_nginx to vrrp_instance VI_1, .* Add track_script \{ chk_nginx \} inside vrrp_instance VI_1\. \(line \d+: vrrp_instance VI_1: track_script 'chk_ngnix' names no vrrp_script/,
    );
  });

  it('finds a weight too small to drop below the rival', () => {
    const facts = [
      lb('lb1', conf({ routerId: 'lb1', vip: VIP, scriptWeight: -5, track: true }), stopped),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP, scriptWeight: -5, track: true })),
    ];
    expect(said(healthCheckCause(facts, VIP, 'lb1', 'lb2'))).toEqual({
      code: 'cause-weight-too-small',
      text: "lb1 kept the VIP with nginx stopped: its health check lowers its priority from 100 to 95 only, not below lb2's 90, so lb2 does not preempt it. Use a weight larger than the gap (at least 11), or give both the same priority.",
    });
  });

  it('counts a drop to exactly the rival priority as too small (a BACKUP does not preempt an equal MASTER)', () => {
    const facts = [
      lb('lb1', conf({ routerId: 'lb1', vip: VIP, scriptWeight: -10, track: true }), stopped),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP, scriptWeight: -10, track: true })),
    ];
    const cause = healthCheckCause(facts, VIP, 'lb1', 'lb2');
    expect(cause?.code).toBe('cause-weight-too-small');
    expect(cause?.params).toEqual({ holder: 'lb1', expected: 'lb2', priority: 100, lowered: 90, rival: 90 });
    expect(cause?.text).toMatch(/from 100 to 90 only, not below lb2's 90.*at least 11/);
  });

  it('says the check has not failed when the holder still advertises its full priority', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP, scriptWeight: -30, track: true }), stopped), lb('lb2', conf({ routerId: 'lb2', vip: VIP, scriptWeight: -30, track: true }))];
    expect(said(healthCheckCause(facts, VIP, 'lb1', 'lb2', 100))).toEqual({
      code: 'cause-health-check-not-failing',
      text: "lb1 kept the VIP with nginx stopped: it still advertises priority 100, so its health check chk_nginx has not failed. Make sure the check's command fails when nginx is stopped (run it by hand: echo $? after it) and read journalctl -u keepalived for VRRP_Script lines.",
    });
    // Advertising the lowered priority: the check works, the configs explain nothing more.
    expect(healthCheckCause(facts, VIP, 'lb1', 'lb2', 70)).toBeUndefined();
  });

  it('says nothing when nginx runs on the holder, or its state is unknown', () => {
    const facts = [lb('lb1', conf({ routerId: 'lb1', vip: VIP })), lb('lb2', conf({ routerId: 'lb2', vip: VIP }))];
    expect(healthCheckCause(facts, VIP, 'lb1', 'lb2')).toBeUndefined();
    const { nginxRunning: _n, ...unknown } = facts[0]!;
    expect(healthCheckCause([unknown, facts[1]!], VIP, 'lb1', 'lb2')).toBeUndefined();
  });

  it('says nothing when the expected node has nopreempt, or a weight-0 check puts the holder in FAULT', () => {
    const nopreempt = [
      lb('lb1', conf({ routerId: 'lb1', vip: VIP, scriptWeight: -5, track: true }), stopped),
      lb('lb2', conf({ routerId: 'lb2', priority: 90, nopreempt: true, vip: VIP })),
    ];
    expect(healthCheckCause(nopreempt, VIP, 'lb1', 'lb2')).toBeUndefined();
    const fault = [lb('lb1', conf({ routerId: 'lb1', vip: VIP, scriptWeight: 0, track: true }), stopped), lb('lb2', conf({ routerId: 'lb2', priority: 90, vip: VIP }))];
    expect(healthCheckCause(fault, VIP, 'lb1', 'lb2')).toBeUndefined();
  });
});

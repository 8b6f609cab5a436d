/**
 * The lab node image on the real engine: its cache, and what every role promises (docker/node/README.md).
 * Its own network (10.88.250.0/24) and containers, labelled kalab.test=image, removed afterwards.
 */
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerClient } from '../../runner/engine/docker.ts';
import { execCollect, type ExecResult } from '../../runner/engine/exec.ts';
import { ensureImages } from '../../runner/engine/images.ts';
import { stderrProgress } from '../../runner/shared/progress.ts';
import { waitFor } from '../helpers/wait.ts';

const TEST_LABEL = { 'kalab.test': 'image' };
const PREFIX = '10.88.250';
const NETWORK = 'kalab-test-image';
const NODES = { lb1: { host: 11, role: 'lb' }, web1: { host: 21, role: 'web' }, web2: { host: 22, role: 'web' }, mail: { host: 25, role: 'mail' }, client: { host: 30, role: 'client' } } as const;
type Node = keyof typeof NODES;

const VALID_CONF = `global_defs {
    router_id lb1
}
vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 77
    priority 100
    advert_int 1
    virtual_ipaddress {
        ${PREFIX}.100
    }
}
`;

let docker: Docker;
let image: string;
const containers = new Map<Node, Docker.Container>();

async function removeOurs(): Promise<void> {
  const filters = { label: ['kalab.test=image'] };
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker.getNetwork(n.Id).remove().catch(() => undefined);
  }
}

function sh(node: Node, command: string, stdin?: string): Promise<ExecResult> {
  return execCollect(containers.get(node)!, ['sh', '-c', command], { timeoutS: 30, ...(stdin === undefined ? {} : { stdin }) });
}

/** The messages in the mail node's mbox. */
async function mailbox(): Promise<string[]> {
  const r = await sh('mail', 'cat /var/mail/lab');
  return r.stdout.split(/^(?=From \S+ )/m).filter((m) => m.startsWith('From '));
}

beforeAll(async () => {
  docker = dockerClient();
  // A cold machine builds here (about a minute); warm, this is the cache hit the first test times.
  image = (await ensureImages(docker, { progress: stderrProgress('image-test') })).tag;
  await removeOurs();
  await docker.createNetwork({
    Name: NETWORK,
    Driver: 'bridge',
    Labels: TEST_LABEL,
    IPAM: { Driver: 'default', Config: [{ Subnet: `${PREFIX}.0/24`, Gateway: `${PREFIX}.1` }] },
  });
  await Promise.all(
    (Object.entries(NODES) as [Node, (typeof NODES)[Node]][]).map(async ([node, { host, role }]) => {
      const c = await docker.createContainer({
        name: `kalab-test-image-${node}`,
        Hostname: node,
        Image: image,
        Env: [`KALAB_NODE=${node}`, `KALAB_ROLE=${role}`, `KALAB_PREFIX=${PREFIX}`],
        Labels: TEST_LABEL,
        HostConfig: {
          NetworkMode: NETWORK,
          CapAdd: ['NET_ADMIN', 'NET_RAW'],
          Privileged: false,
          Memory: 256 * 1024 * 1024,
          MemorySwap: 256 * 1024 * 1024,
          PidsLimit: 512,
          Sysctls: { 'net.ipv4.ip_nonlocal_bind': '1' },
        },
        NetworkingConfig: { EndpointsConfig: { [NETWORK]: { IPAMConfig: { IPv4Address: `${PREFIX}.${host}` }, Aliases: [node] } } },
      });
      containers.set(node, c);
      await c.start();
    }),
  );
  // Ready when kalab-init says so (nginx and Postfix are up by then).
  await Promise.all(
    [...containers.keys()].map((node) =>
      waitFor(async () => (await sh(node, 'test -e /run/kalab/ready')).exitCode === 0, {
        timeoutMs: 20_000,
        what: `${node} to finish kalab-init`,
      }),
    ),
  );
});

afterAll(async () => {
  if (docker) await removeOurs();
});

describe('lab node image', () => {
  it('is found again at once on the warm path', async () => {
    const again = await ensureImages(docker, { progress: () => undefined });
    expect(again).toMatchObject({ tag: image, built: false });
    expect(again.ms).toBeLessThan(100);
  });

  it('runs tini as PID 1 and serves the lb page and /app/ from both web nodes', async () => {
    expect((await sh('lb1', 'cat /proc/1/comm')).stdout.trim()).toBe('tini');
    const page = await waitFor(async () => (await sh('client', `curl -sS -m 2 http://${PREFIX}.11/`)).stdout.match(/kalab-node: (\S+)/)?.[1], {
      timeoutMs: 10_000,
      what: "lb1's page",
    });
    expect(page).toBe('lb1');
    expect((await sh('client', 'curl -sS -m 2 http://lb1/')).stdout).toContain('<h1>lb1</h1>');
    const backends = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const r = await sh('client', `curl -sS -m 2 http://${PREFIX}.11/app/`);
      backends.add(/kalab-node: (\S+)/.exec(r.stdout)?.[1] ?? `failed: ${r.stderr}`);
    }
    expect([...backends].sort()).toEqual(['web1', 'web2']);
  });

  it('systemctl stop nginx leaves no nginx process, not even a zombie; start brings it back', async () => {
    const stop = await sh('lb1', 'systemctl stop nginx');
    expect(stop).toMatchObject({ exitCode: 0 });
    const left = await sh('lb1', 'pidof nginx; ps -eo stat=,comm= | grep -c "^Z" || true');
    expect(left.stdout.trim()).toBe('0');
    expect((await sh('lb1', 'killall -0 nginx')).exitCode).not.toBe(0);
    expect((await sh('lb1', 'systemctl is-active nginx')).stdout.trim()).toBe('inactive');
    expect((await sh('lb1', 'systemctl start nginx')).exitCode).toBe(0);
    expect((await sh('client', 'curl -sS -m 2 http://lb1/')).stdout).toContain('kalab-node: lb1');
  });

  it('starts keepalived with systemctl, shows it in status and journalctl, and stops it gracefully', async () => {
    await sh('lb1', 'cat > /etc/keepalived/keepalived.conf', VALID_CONF);
    const start = await sh('lb1', 'systemctl start keepalived');
    expect(start).toMatchObject({ exitCode: 0, stderr: '' });
    const status = await sh('lb1', 'systemctl status keepalived');
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/Active: active \(running\)/);
    expect(status.stdout).toMatch(/Main PID: \d+ \(keepalived\)/);
    // state MASTER still starts as BACKUP and takes the VIP after its Master_Down_Interval (~3.6 s).
    await waitFor(async () => (await sh('lb1', 'ip -4 -o addr show dev eth0')).stdout.includes(`${PREFIX}.100/`), {
      timeoutMs: 10_000,
      what: 'lb1 to hold the VIP',
    });
    expect((await sh('lb1', 'journalctl -u keepalived --no-pager -n 50')).stdout).toMatch(/\(VI_1\) Entering MASTER STATE/);

    const stop = await sh('lb1', 'systemctl stop keepalived');
    expect(stop.exitCode).toBe(0);
    // When stop returns, keepalived is gone and has said goodbye.
    const after = await sh('lb1', 'pgrep -x keepalived; ip -4 -o addr show dev eth0; systemctl is-active keepalived');
    expect(after.stdout).not.toContain(`${PREFIX}.100/`);
    expect(after.stdout.trim().split('\n').pop()).toBe('inactive');
    expect((await sh('lb1', 'cat /var/log/kalab/keepalived.log')).stdout).toMatch(/\(VI_1\) sent 0 priority[\s\S]*Stopped Keepalived v2/);
  });

  it('fails systemctl start keepalived on a config keepalived refuses, saying where to look', async () => {
    await sh('lb1', 'cat > /etc/keepalived/keepalived.conf', VALID_CONF.replace('interface eth0', 'interface eth9'));
    const start = await sh('lb1', 'systemctl start keepalived');
    expect(start.exitCode).not.toBe(0);
    expect(start.stderr).toMatch(/Job for keepalived\.service failed/);
    expect(start.stderr).toMatch(/journalctl -u keepalived/);
    expect(start.stderr).toMatch(/eth9/);
    expect((await sh('lb1', 'systemctl is-active keepalived')).stdout.trim()).toBe('failed');
    expect((await sh('lb1', 'pgrep -x keepalived')).exitCode).toBe(1);
    const status = await sh('lb1', 'systemctl status keepalived');
    expect(status.exitCode).toBe(3);
    expect(status.stdout).toMatch(/Active: failed/);
  });

  it("delivers `mail` and 127.0.0.1:25 SMTP from lb1 to the mail node, recording lb1's address", async () => {
    const subject = `kalab image test ${Date.now()}`;
    const sent = await sh('lb1', `echo 'lb1 is MASTER now' | mail -s '${subject}' ops@example.com`);
    expect(sent.exitCode).toBe(0);
    const viaMail = await waitFor(async () => (await mailbox()).find((m) => m.includes(`Subject: ${subject}`)), { timeoutMs: 15_000, what: 'the mail on the mail node' });
    expect(viaMail).toMatch(new RegExp(`Received: from lb1 \\(\\S+ \\[${PREFIX.replace(/\./g, '\\.')}\\.11\\]\\)`));
    expect(viaMail).toMatch(/X-Original-To: ops@example\.com/);
    expect(viaMail).toContain('lb1 is MASTER now');

    // keepalived's smtp_alert with smtp_server 127.0.0.1 talks SMTP to the local forwarder.
    const smtpSubject = `${subject} via smtp_server`;
    const curl = await sh('lb1', `printf 'Subject: ${smtpSubject}\\r\\n\\r\\nbody\\r\\n' > /tmp/m && curl -sS -m 10 smtp://127.0.0.1 --mail-from keepalived@lb1 --mail-rcpt root@localhost -T /tmp/m`);
    expect(curl).toMatchObject({ exitCode: 0 });
    const viaSmtp = await waitFor(async () => (await mailbox()).find((m) => m.includes(`Subject: ${smtpSubject}`)), { timeoutMs: 15_000, what: 'the SMTP mail on the mail node' });
    expect(viaSmtp).toMatch(new RegExp(`\\[${PREFIX.replace(/\./g, '\\.')}\\.11\\]`));
  });
});

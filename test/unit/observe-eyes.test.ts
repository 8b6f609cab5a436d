import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EyesLineRouter, type EyesHandlers } from '../../runner/observe/eyes.ts';

function recorder() {
  const calls: [string, unknown][] = [];
  const handlers: EyesHandlers = {
    onAddressSnapshot: (lines) => calls.push(['snapshot', lines]),
    onAddressLine: (line) => calls.push(['address', line]),
    onAdvertLine: (line) => calls.push(['advert', line]),
    onKeepalivedLogLine: (line) => calls.push(['log', line]),
    onMailLine: (line) => calls.push(['mail', line]),
  };
  return { calls, handlers };
}

const ADD = '2: eth0    inet 10.88.1.100/24 scope global secondary eth0\\       valid_lft forever preferred_lft forever';
const DEL = `Deleted ${ADD}`;
const ADVERT = '12:00:01.000 IP 10.88.1.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 100, authtype simple, intvl 1s, length 20';

describe('EyesLineRouter', () => {
  it('routes each tagged line to its watcher, the tag removed', () => {
    const { calls, handlers } = recorder();
    const router = new EyesLineRouter(handlers, false);
    router.push(`V ${ADVERT}`);
    router.push('K (VI_1) Entering MASTER STATE');
    router.push('M From MAILER-DAEMON Thu Jan  1 00:00:00 2026');
    router.push('not a tagged line');
    expect(calls).toEqual([
      ['advert', ADVERT],
      ['log', '(VI_1) Entering MASTER STATE'],
      ['mail', 'From MAILER-DAEMON Thu Jan  1 00:00:00 2026'],
    ]);
  });

  it('hands over the address snapshot whole, monitor lines that came during it included in order', () => {
    const { calls, handlers } = recorder();
    const router = new EyesLineRouter(handlers, true);
    router.push('A snapshot-begin');
    router.push(`A ${ADD}`);
    router.push(`A ${DEL}`);
    router.push('A snapshot-end');
    router.push(`A ${ADD}`);
    expect(calls).toEqual([
      ['snapshot', [ADD, DEL]],
      ['address', ADD],
    ]);
  });

  it('is ready only once every watcher started and the snapshot is in', () => {
    const { handlers } = recorder();
    const router = new EyesLineRouter(handlers, true);
    router.push('A snapshot-begin');
    router.push('E ready');
    expect(router.ready).toBe(false);
    router.push('A snapshot-end');
    expect(router.ready).toBe(true);
    const noAddresses = new EyesLineRouter(handlers, false);
    expect(noAddresses.ready).toBe(false);
    noAddresses.push('E ready');
    expect(noAddresses.ready).toBe(true);
  });

  it("matches what the image's kalab-eyes prints: the tags, the snapshot markers, the ready line", () => {
    const script = readFileSync(new URL('../../docker/node/rootfs/usr/local/sbin/kalab-eyes', import.meta.url), 'utf8');
    for (const tag of ['A', 'V', 'K', 'M']) expect(script).toContain(`| tagged ${tag}`);
    expect(script).toContain('echo "snapshot-begin"; ip -o addr show; echo "snapshot-end"');
    expect(script).toContain('echo "E ready"');
    // Its own programs only, whatever a solution put on the node's PATH.
    expect(script).toMatch(/^PATH=\/usr\/sbin:\/usr\/bin:\/sbin:\/bin$/m);
  });
});

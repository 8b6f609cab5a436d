import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import {
  describeArrivals,
  describeMail,
  findAnnouncement,
  mailAnnouncement,
  mailAnnounces,
  mailIsFrom,
  mailWindowStart,
} from '../../runner/kinds/expectations/mail-announces.ts';
import { conf, fakeLab, fakeObserver, T0, timing, track } from './grade-fakes.ts';
import type { NodeName } from '../../runner/lab/definition.ts';
import type { LabEvent, MailEvent } from '../../runner/shared/events.ts';

vi.mock('../../runner/grade/facts.ts', () => ({ collectLbFacts: vi.fn(), configTestError: vi.fn() }));

type Mail = Pick<MailEvent, 'sender' | 'client' | 'subject' | 'body'>;

/** A mail as the observer records it: `sender` set when Postfix's client address is a lab node. */
function mail(subject: string, body = '', sender?: NodeName, client?: string): Mail {
  return { subject, body, ...(sender ? { sender } : {}), ...(client ? { client } : {}) };
}

describe('mailIsFrom', () => {
  it('is from a node when Postfix recorded its address (sender), whatever the subject says', () => {
    expect(mailIsFrom(mail('[LVS_MASTER] VRRP Instance web_vip - Entering MASTER state', '', 'lb1', '10.88.5.11'), 'lb1')).toBe(true);
    expect(mailIsFrom(mail('[LVS_MASTER] VRRP Instance web_vip - Entering MASTER state', '', 'lb2', '10.88.5.12'), 'lb1')).toBe(false);
  });

  it('is from a node whose hostname is a whole word of the subject', () => {
    expect(mailIsFrom(mail('[lb1] VRRP Instance VI_1 - Entering MASTER state'), 'lb1')).toBe(true);
    expect(mailIsFrom(mail('lb1 to be master: 10.88.5.100 floating'), 'lb1')).toBe(true);
    expect(mailIsFrom(mail('VRRP change on LB1'), 'lb1')).toBe(true);
    expect(mailIsFrom(mail('state change (lb2)'), 'lb2')).toBe(true);
    expect(mailIsFrom(mail('keepalived@lb1.lab: MASTER'), 'lb1')).toBe(true);
  });

  it('does not take a longer name or another node for the hostname', () => {
    expect(mailIsFrom(mail('[lb10] VRRP Instance VI_1 - Entering MASTER state'), 'lb1')).toBe(false);
    expect(mailIsFrom(mail('[xlb1] Entering MASTER state'), 'lb1')).toBe(false);
    expect(mailIsFrom(mail('[lb1-old] Entering MASTER state'), 'lb1')).toBe(false);
    expect(mailIsFrom(mail('[lb2] VRRP Instance VI_1 - Entering MASTER state'), 'lb1')).toBe(false);
    expect(mailIsFrom(mail('', 'lb1 to be master'), 'lb1')).toBe(false); // the body does not name the sender
  });
});

describe('mailAnnounces', () => {
  it('finds the state in the subject or the body, in any case', () => {
    expect(mailAnnounces(mail('[lb1] VRRP Instance VI_1 - Entering MASTER state'), 'MASTER')).toBe(true);
    expect(mailAnnounces(mail('lb1 to be master: 10.88.5.100 floating'), 'MASTER')).toBe(true);
    expect(mailAnnounces(mail('VRRP notification', 'VI_1 on lb1 is now Master'), 'master')).toBe(true);
  });
  it('does not find another state', () => {
    expect(mailAnnounces(mail('[lb1] VRRP Instance VI_1 - Entering BACKUP state', 'backup'), 'MASTER')).toBe(false);
    expect(mailAnnounces(mail('', ''), 'MASTER')).toBe(false);
  });
});

describe('findAnnouncement', () => {
  const mails = [
    mail('[lb2] VRRP Instance VI_1 - Entering BACKUP state', '', 'lb2', '10.88.5.12'),
    mail('lb2 to be master: 10.88.5.100 floating', '', 'lb2', '10.88.5.12'),
    mail('[lb1] VRRP Instance VI_1 - Entering BACKUP state', '', 'lb1', '10.88.5.11'),
    mail('[lb1] VRRP Instance VI_1 - Entering MASTER state', '', 'lb1', '10.88.5.11'),
    mail('lb1 to be master: 10.88.5.100 floating', '', 'lb1', '10.88.5.11'),
  ];
  it('returns the first mail from the node announcing the state', () => {
    expect(findAnnouncement(mails, 'lb1', 'MASTER')).toBe(mails[3]);
    expect(findAnnouncement(mails, 'lb2', 'MASTER')).toBe(mails[1]);
    expect(findAnnouncement(mails, 'lb2', 'BACKUP')).toBe(mails[0]);
  });
  it('returns undefined when no mail from the node announces it', () => {
    expect(findAnnouncement(mails, 'lb1', 'FAULT')).toBeUndefined();
    expect(findAnnouncement(mails.slice(0, 3), 'lb1', 'MASTER')).toBeUndefined();
    expect(findAnnouncement([], 'lb1', 'MASTER')).toBeUndefined();
  });
});

describe('describeMail', () => {
  it('names a lab node with its address and quotes the subject', () => {
    expect(describeMail(mail('lb1 to be backup: 10.88.5.100 floating', '', 'lb1', '10.88.5.11'))).toBe(
      'lb1 (10.88.5.11): "lb1 to be backup: 10.88.5.100 floating"',
    );
  });
  it('shows a client address that is no lab node, or says the sender is unknown', () => {
    expect(describeMail(mail('hello', '', undefined, '172.17.0.1'))).toBe('172.17.0.1: "hello"');
    expect(describeMail(mail('hello'))).toBe('an unknown sender: "hello"');
  });
  it('shows the first body line, cut to 80 characters, when there is no subject', () => {
    expect(describeMail(mail('', 'VI_1 is MASTER now\nsecond line', 'lb2', '10.88.5.12'))).toBe('lb2 (10.88.5.12): no subject, body "VI_1 is MASTER now"');
    const long = 'x'.repeat(100);
    expect(describeMail(mail('', long, 'lb2', '10.88.5.12'))).toBe(`lb2 (10.88.5.12): no subject, body "${'x'.repeat(80)}"`);
  });
});

describe('describeArrivals', () => {
  const arrivals = ['one', 'two', 'three', 'four', 'five', 'six'].map((s) => mail(s, '', 'lb1', '10.88.5.11'));
  it('lists every mail when there are few, oldest first', () => {
    expect(describeArrivals(arrivals.slice(0, 2))).toBe('lb1 (10.88.5.11): "one"; lb1 (10.88.5.11): "two"');
  });
  it('shows the newest four and counts the earlier ones', () => {
    expect(describeArrivals(arrivals)).toBe(
      '2 earlier, then lb1 (10.88.5.11): "three"; lb1 (10.88.5.11): "four"; lb1 (10.88.5.11): "five"; lb1 (10.88.5.11): "six"',
    );
  });
  it('takes another limit', () => {
    expect(describeArrivals(arrivals, 1)).toBe('5 earlier, then lb1 (10.88.5.11): "six"');
  });
});

describe('mailWindowStart', () => {
  const timeline: LabEvent[] = [
    { type: 'keepalived', t: 10_000, node: 'lb1', running: true },
    { type: 'keepalived', t: 10_500, node: 'lb2', running: true },
    { type: 'vrrp', t: 11_000, node: 'lb1', instance: 'VI_1', state: 'BACKUP' },
    { type: 'vrrp', t: 14_600, node: 'lb1', instance: 'VI_1', state: 'MASTER' },
    { type: 'vrrp', t: 15_000, node: 'lb2', instance: 'VI_1', state: 'BACKUP' },
    { type: 'keepalived', t: 20_000, node: 'lb1', running: false },
    { type: 'vrrp', t: 23_700, node: 'lb2', instance: 'VI_1', state: 'MASTER' },
    { type: 'keepalived', t: 30_000, node: 'lb1', running: true },
    { type: 'vrrp', t: 30_100, node: 'lb1', instance: 'VI_1', state: 'BACKUP' },
    { type: 'vrrp', t: 33_800, node: 'lb1', instance: 'VI_1', state: 'MASTER' },
  ];

  it('starts at the action start when the runner did the action', () => {
    expect(mailWindowStart({ startedAt: 9_000 }, timeline, 'lb1', 'MASTER')).toBe(9_000);
    expect(mailWindowStart({ startedAt: 0 }, timeline, 'lb1', 'MASTER')).toBe(0);
  });

  it("else starts 1 s before the node's last entry into the state", () => {
    expect(mailWindowStart({}, timeline, 'lb1', 'MASTER')).toBe(32_800);
    expect(mailWindowStart({}, timeline, 'lb1', 'master')).toBe(32_800);
    expect(mailWindowStart({}, timeline, 'lb2', 'MASTER')).toBe(22_700);
    expect(mailWindowStart({}, timeline, 'lb2', 'BACKUP')).toBe(14_000);
  });

  it("else at the node's last keepalived start", () => {
    expect(mailWindowStart({}, timeline, 'lb1', 'FAULT')).toBe(30_000);
    expect(mailWindowStart({}, timeline, 'lb2', 'FAULT')).toBe(10_500);
  });

  it('else over the whole timeline', () => {
    expect(mailWindowStart({}, timeline, 'web1', 'MASTER')).toBe(0);
    expect(mailWindowStart({}, [], 'lb1', 'MASTER')).toBe(0);
    // A keepalived stop is not a start.
    expect(mailWindowStart({}, [{ type: 'keepalived', t: 5_000, node: 'lb1', running: false }], 'lb1', 'MASTER')).toBe(0);
  });
});

describe('mailAnnouncement', () => {
  beforeEach(() => vi.useFakeTimers({ now: T0 }));
  afterEach(() => vi.useRealTimers());

  const received = (t: number, subject: string, sender: NodeName, client: string): MailEvent => ({ type: 'mail', t, node: 'mail', sender, client, subject, body: 'VRRP change\nsecond line' });
  const check = mailAnnouncement.check({ from: 'lb1', state: 'MASTER', withinMs: 15_000 });

  it('passes at the mail that announces the state, woken by its event', async () => {
    const { lab } = fakeLab('10.88.5', {});
    const obs = fakeObserver(lab.nodes);
    const seen = track(check.judge({ lab, observer: obs.observer, timing: timing({ startedAt: T0 - 2_000 }), facts: [] }));
    await vi.advanceTimersByTimeAsync(1_500);
    obs.record(received(Date.now(), '[lb1] VRRP Instance VI_1 - Entering MASTER state', 'lb1', '10.88.5.11'));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.at).toBe(T0 + 1_500);
    expect(seen.result?.message).toBe('The mail node received a mail from lb1 (10.88.5.11): "[lb1] VRRP Instance VI_1 - Entering MASTER state", 3.5 s after the action began.');
    expect(seen.result?.diagnosis).toMatchObject({
      code: 'mail-received',
      params: { mail: { sender: 'lb1', client: '10.88.5.11', subject: '[lb1] VRRP Instance VI_1 - Entering MASTER state', body: 'VRRP change' }, afterMs: 3_500 },
    });
  });

  it('fails at the deadline with the mails that did arrive and why the node sent none (notify-mail broken/notify-not-executable)', async () => {
    const { lab } = fakeLab('10.88.5', { lb1: { config: conf('notify-mail/broken/notify-not-executable/lb1') } });
    // The node's answer to probeMailers: its notify script exists without the run bit, and what keepalived logged.
    Object.assign(lab, {
      exec: async () => ({
        stdout: "probe 0 exists mode=644 owner=root\n--kalab-log--\nMon Nov 30 02:00:00 2026: WARNING - script '/etc/keepalived/notify.sh' is not executable for uid:gid 0:0 - disabling.\n",
        stderr: '',
        exitCode: 0,
      }),
    });
    const obs = fakeObserver(lab.nodes);
    const seen = track(check.judge({ lab, observer: obs.observer, timing: timing({ startedAt: T0 }), facts: [] }));
    obs.record(received(T0 + 1_000, '[lb2] VRRP Instance VI_1 - Entering BACKUP state', 'lb2', '10.88.5.12'));
    await vi.advanceTimersByTimeAsync(15_000);
    expect(seen.at).toBe(T0 + 15_000);
    expect(seen.result?.passed).toBe(false);
    expect(seen.result?.message).toBe(
      'No mail from lb1 announcing MASTER reached the mail node within 15 s of the action: it received only lb2 (10.88.5.12): "[lb2] VRRP Instance VI_1 - Entering BACKUP state". ' +
        `On lb1: notify_master runs /etc/keepalived/notify.sh, which is not executable (mode 644, no run bit); keepalived logged "WARNING - script '/etc/keepalived/notify.sh' is not executable for uid:gid 0:0 - disabling.": chmod +x /etc/keepalived/notify.sh, then restart keepalived.`,
    );
    // notify-not-executable is what labs/notify-mail/lab.yaml names, two causes deep.
    expect(codesOf(seen.result!.diagnosis)).toEqual(['mail-missing', 'mail-not-sent', 'notify-not-executable']);
    expect(seen.result?.diagnosis.params).toMatchObject({ from: 'lb1', state: 'MASTER', withinMs: 15_000 });
  });
});

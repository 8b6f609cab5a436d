import { describe, expect, it } from 'vitest';
import { codesOf } from '../../runner/grade/diagnosis.ts';
import { explainNoMail, notifyCommandsFor, type MailerFacts, type NotifyCommand } from '../../runner/grade/notify-diagnosis.ts';

describe('notifyCommandsFor', () => {
  it('takes notify_<state> first, then notify, with the script as the first word', () => {
    expect(notifyCommandsFor({ master: '/etc/keepalived/notify.sh master', backup: '/etc/keepalived/notify.sh backup', any: '/usr/local/bin/vrrp-mail' }, 'MASTER')).toEqual([
      { keyword: 'notify_master', command: '/etc/keepalived/notify.sh master', path: '/etc/keepalived/notify.sh' },
      { keyword: 'notify', command: '/usr/local/bin/vrrp-mail', path: '/usr/local/bin/vrrp-mail' },
    ]);
  });
  it('matches the state in any case and ignores the other states', () => {
    expect(notifyCommandsFor({ master: '/etc/keepalived/notify.sh master', backup: '  /etc/keepalived/notify.sh   backup ' }, 'backup')).toEqual([
      { keyword: 'notify_backup', command: '  /etc/keepalived/notify.sh   backup ', path: '/etc/keepalived/notify.sh' },
    ]);
  });
  it('has only notify for a state with no slot of its own, and nothing when nothing is set', () => {
    expect(notifyCommandsFor({ master: '/a master', any: '/usr/local/bin/vrrp-mail' }, 'FAULT')).toEqual([
      { keyword: 'notify', command: '/usr/local/bin/vrrp-mail', path: '/usr/local/bin/vrrp-mail' },
    ]);
    expect(notifyCommandsFor({ master: '/a master' }, 'UNKNOWN')).toEqual([]);
    expect(notifyCommandsFor({}, 'MASTER')).toEqual([]);
  });
});

/** The facts of lb1 in the notify-mail lab, running keepalived, with nothing wrong stated yet. */
function facts(over: Partial<MailerFacts> = {}): MailerFacts {
  return {
    node: 'lb1',
    state: 'MASTER',
    hasConfig: true,
    keepalivedRunning: true,
    instance: 'VI_1',
    stateKeyword: 'notify_master',
    commands: [],
    smtpAlert: false,
    notificationEmail: [],
    logLines: [],
    ...over,
  };
}

function notifyMaster(path: string, probe?: NotifyCommand['probe']): NotifyCommand {
  return { keyword: 'notify_master', command: `${path} master`, path, ...(probe ? { probe } : {}) };
}

/** The text of the mail-not-sent diagnosis; the codes are pinned below, in one table. */
const explain = (f: MailerFacts) => explainNoMail(f).text;

describe('explainNoMail', () => {
  it('says there is no config', () => {
    expect(explain(facts({ hasConfig: false }))).toBe('On lb1: there is no /etc/keepalived/keepalived.conf.');
  });

  it('says keepalived is not running', () => {
    expect(explain(facts({ node: 'lb2', keepalivedRunning: false }))).toBe('On lb2: keepalived is not running, so nothing reports its state changes.');
  });

  it('says there is neither a notify script nor smtp_alert, with what to add', () => {
    expect(explain(facts())).toBe(
      'On lb1: vrrp_instance VI_1 has no notify_master script and no smtp_alert, so nothing sends mail when it enters MASTER: add notify_master "/etc/keepalived/notify.sh master" (a script that runs mail) or smtp_alert.',
    );
  });

  it('falls back to notify and "the vrrp_instance" when the keyword and instance are unknown', () => {
    const { instance: _i, stateKeyword: _k, ...rest } = facts();
    expect(explain({ ...rest, state: 'Master' })).toBe(
      'On lb1: the vrrp_instance has no notify script and no smtp_alert, so nothing sends mail when it enters MASTER: add notify "/etc/keepalived/notify.sh master" (a script that runs mail) or smtp_alert.',
    );
  });

  it('names a notify script that does not exist, with what keepalived said', () => {
    const path = '/etc/keepalived/scripts/notify.sh';
    const result = explain(
      facts({
        commands: [notifyMaster(path, { exists: false, executable: false })],
        logLines: [
          'Mon Nov 30 02:00:00 2026: Starting Keepalived v2.2.7 (01/16,2022)',
          `Mon Nov 30 02:00:04 2026: Script ${path} cannot be accessed - No such file or directory`,
        ],
      }),
    );
    expect(result).toBe(
      `On lb1: notify_master runs ${path}, which does not exist on lb1; keepalived logged "Script ${path} cannot be accessed - No such file or directory": put the script there or fix the path, then restart keepalived.`,
    );
    // The lab's own diagnosis pattern for broken/notify-path-missing.
    expect(result).toMatch(/\/etc\/keepalived\/scripts\/notify\.sh, which does not exist on lb1/);
  });

  it('names a script without its run bit, its mode, and the keepalived log line without the timestamp', () => {
    const path = '/etc/keepalived/notify.sh';
    const result = explain(
      facts({
        commands: [notifyMaster(path, { exists: true, executable: false, mode: '644', owner: 'root' })],
        logLines: [
          'Mon Nov 30 02:00:00 2026: Starting Keepalived v2.2.7 (01/16,2022)',
          "Mon Nov 30 02:00:00 2026: WARNING - script '/etc/keepalived/notify.sh' is not executable for uid:gid 0:0 - disabling.",
          'Mon Nov 30 02:00:01 2026: SECURITY VIOLATION - scripts are being executed but script_security not enabled.',
        ],
      }),
    );
    expect(result).toBe(
      `On lb1: notify_master runs ${path}, which is not executable (mode 644, no run bit); keepalived logged "WARNING - script '/etc/keepalived/notify.sh' is not executable for uid:gid 0:0 - disabling.": chmod +x ${path}, then restart keepalived.`,
    );
    // The lab's own diagnosis pattern for broken/notify-not-executable.
    expect(result).toMatch(/notify\.sh, which is not executable.*chmod \+x \/etc\/keepalived\/notify\.sh/);
  });

  it('says "mode unknown" and quotes nothing when the log is silent', () => {
    const path = '/etc/keepalived/notify.sh';
    expect(explain(facts({ commands: [notifyMaster(path, { exists: true, executable: false })] }))).toBe(
      `On lb1: notify_master runs ${path}, which is not executable (mode unknown, no run bit): chmod +x ${path}, then restart keepalived.`,
    );
  });

  it('explains unsafe permissions under enable_script_security', () => {
    const path = '/etc/keepalived/notify.sh';
    expect(
      explain(
        facts({
          commands: [notifyMaster(path, { exists: true, executable: true, mode: '777', owner: 'root' })],
          logLines: ["Mon Nov 30 02:00:00 2026: Unsafe permissions found for script '/etc/keepalived/notify.sh' - disabling."],
        }),
      ),
    ).toBe(
      `On lb1: keepalived refused ${path}; keepalived logged "Unsafe permissions found for script '/etc/keepalived/notify.sh' - disabling.": with enable_script_security the script and every folder above it must be writable by root only (chmod 755, owner root), then restart keepalived.`,
    );
  });

  it('asks for a restart when keepalived disabled a script that looks right now', () => {
    const path = '/etc/keepalived/notify.sh';
    expect(
      explain(
        facts({
          commands: [notifyMaster(path, { exists: true, executable: true, mode: '755', owner: 'root' })],
          logLines: ["Mon Nov 30 02:00:00 2026: WARNING - script '/etc/keepalived/notify.sh' is not executable for uid:gid 0:0 - disabling."],
        }),
      ),
    ).toBe(
      `On lb1: keepalived disabled ${path} when it started; keepalived logged "WARNING - script '/etc/keepalived/notify.sh' is not executable for uid:gid 0:0 - disabling."; the file looks right now (mode 755), so restart keepalived to have it checked again.`,
    );
  });

  it('sends a script that looks right to be run by hand', () => {
    const path = '/etc/keepalived/notify.sh';
    expect(explain(facts({ commands: [notifyMaster(path, { exists: true, executable: true, mode: '755', owner: 'root' })] }))).toBe(
      `On lb1: notify_master runs ${path}, which exists and is executable: run it by hand (${path} master) and read journalctl -u msmtp to see what became of its mail.`,
    );
  });

  it('only quotes log lines about the script in question', () => {
    const path = '/usr/local/bin/vrrp-mail';
    const result = explain(
      facts({
        commands: [{ keyword: 'notify', command: path, path, probe: { exists: false, executable: false } }],
        logLines: ["Mon Nov 30 02:00:00 2026: WARNING - script '/etc/keepalived/other.sh' is not executable for uid:gid 0:0 - disabling."],
      }),
    );
    expect(result).toBe(`On lb1: notify runs ${path}, which does not exist on lb1: put the script there or fix the path, then restart keepalived.`);
  });

  it('says smtp_alert has no smtp_server', () => {
    expect(explain(facts({ smtpAlert: true, notificationEmail: ['ops@example.com'] }))).toBe(
      'On lb1: smtp_alert is on but global_defs has no smtp_server, so keepalived has nowhere to send: add smtp_server 127.0.0.1.',
    );
  });

  it('says smtp_alert has no notification_email', () => {
    expect(explain(facts({ smtpAlert: true, smtpServer: '10.88.5.25' }))).toBe(
      'On lb1: smtp_alert is on but global_defs has no notification_email, so keepalived has nobody to mail.',
    );
  });

  it("quotes keepalived's SMTP error, or points at the log when there is none", () => {
    const ready = { smtpAlert: true, smtpServer: '10.88.5.25', notificationEmail: ['ops@example.com'] };
    expect(
      explain(facts({ ...ready, logLines: ['Mon Nov 30 02:00:05 2026: Error connecting SMTP server[10.88.5.25]:25: Connection refused'] })),
    ).toBe('On lb1: smtp_alert is on (smtp_server 10.88.5.25) and keepalived logged "Error connecting SMTP server[10.88.5.25]:25: Connection refused".');
    expect(explain(facts(ready))).toBe(
      'On lb1: smtp_alert is on (smtp_server 10.88.5.25) and keepalived logged no SMTP error: read journalctl -u keepalived | grep -i smtp.',
    );
  });

  it('joins the causes of a script and smtp_alert in one sentence', () => {
    const path = '/etc/keepalived/notify.sh';
    expect(
      explain(facts({ commands: [notifyMaster(path, { exists: false, executable: false })], smtpAlert: true, notificationEmail: ['ops@example.com'] })),
    ).toBe(
      `On lb1: notify_master runs ${path}, which does not exist on lb1: put the script there or fix the path, then restart keepalived; smtp_alert is on but global_defs has no smtp_server, so keepalived has nowhere to send: add smtp_server 127.0.0.1.`,
    );
  });

  const NOTIFY = '/etc/keepalived/notify.sh';
  const ready = { smtpAlert: true, smtpServer: '10.88.5.25', notificationEmail: ['ops@example.com'] };
  const disabling = [`Mon Nov 30 02:00:00 2026: WARNING - script '${NOTIFY}' is not executable for uid:gid 0:0 - disabling.`];
  it.each<[string, MailerFacts, string[]]>([
    ['no config', facts({ hasConfig: false }), ['mail-no-config']],
    ['keepalived stopped', facts({ keepalivedRunning: false }), ['mail-keepalived-stopped']],
    ['no mailer', facts(), ['mail-no-mailer']],
    ['a missing script', facts({ commands: [notifyMaster(NOTIFY, { exists: false, executable: false })] }), ['notify-script-missing']],
    ['no run bit (notify-mail broken/notify-not-executable)', facts({ commands: [notifyMaster(NOTIFY, { exists: true, executable: false, mode: '644' })] }), ['notify-not-executable']],
    ['unsafe permissions', facts({ commands: [notifyMaster(NOTIFY, { exists: true, executable: true })], logLines: [`x 2026: Unsafe permissions found for script '${NOTIFY}' - disabling.`] }), ['notify-unsafe-permissions']],
    ['disabled at start', facts({ commands: [notifyMaster(NOTIFY, { exists: true, executable: true, mode: '755' })], logLines: disabling }), ['notify-disabled-at-start']],
    ['a script that looks right', facts({ commands: [notifyMaster(NOTIFY, { exists: true, executable: true })] }), ['notify-looks-right']],
    ['no smtp_server', facts({ smtpAlert: true, notificationEmail: ['ops@example.com'] }), ['smtp-no-server']],
    ['no notification_email', facts({ smtpAlert: true, smtpServer: '10.88.5.25' }), ['smtp-no-recipient']],
    ['an SMTP error', facts({ ...ready, logLines: ['Mon Nov 30 02:00:05 2026: Error connecting SMTP server[10.88.5.25]:25: Connection refused'] }), ['smtp-error']],
    ['no SMTP error', facts(ready), ['smtp-no-error']],
    ['a script and smtp_alert', facts({ ...ready, smtpServer: undefined, commands: [notifyMaster(NOTIFY, { exists: false, executable: false })] } as MailerFacts), ['notify-script-missing', 'smtp-no-server']],
  ])('names %s with its code, under mail-not-sent for the node', (_what, f, causes) => {
    const d = explainNoMail(f);
    expect(codesOf(d)).toEqual(['mail-not-sent', ...causes]);
    expect(d.params).toEqual({ node: 'lb1' });
  });

  it('keeps what keepalived logged as data, without its timestamp', () => {
    const d = explainNoMail(facts({ commands: [notifyMaster(NOTIFY, { exists: true, executable: false, mode: '644' })], logLines: disabling }));
    expect(d.causes?.[0]?.params).toEqual({
      keyword: 'notify_master',
      path: NOTIFY,
      mode: '644',
      logged: `WARNING - script '${NOTIFY}' is not executable for uid:gid 0:0 - disabling.`,
    });
  });
});

/**
 * Why a node sent no mail on a state change, read the way a teacher would: which of its mailers
 * (a notify script that runs `mail`, keepalived's own smtp_alert) should have sent it, and what
 * keepalived said about them when it started. `probeMailers` gathers the facts from the node in
 * one exec; `explainNoMail` is a pure function over them, pinned by unit tests, that returns the
 * `mail-not-sent` diagnosis with one cause per mailer.
 */
import type { LabInstance } from '../engine/lab-instance.ts';
import type { NodeName } from '../lab/definition.ts';
import { KEEPALIVED_LOG } from '../observe/lab-observer.ts';
import { instanceFor } from './diagnose.ts';
import { defineDiagnoses, type Diagnosis, type NoParams } from './diagnosis.ts';
import type { LbFacts } from './facts.ts';

export interface ScriptProbe {
  exists: boolean;
  executable: boolean;
  /** Octal permission bits as `stat` prints them (644), when the file exists. */
  mode?: string;
  owner?: string;
}

export interface NotifyCommand {
  /** The keyword it was configured with: notify_master, notify. */
  keyword: string;
  /** The whole command (e.g. `/etc/keepalived/notify.sh master`); its first word is the script. */
  command: string;
  path: string;
  probe?: ScriptProbe;
}

export interface MailerFacts {
  node: NodeName;
  /** The state the mail should have announced, as the lab wrote it (MASTER). */
  state: string;
  hasConfig: boolean;
  keepalivedRunning: boolean;
  instance?: string;
  /** notify_<state> (e.g. notify_master), the keyword that would run on entering the state. */
  stateKeyword?: string;
  commands: NotifyCommand[];
  smtpAlert: boolean;
  smtpServer?: string;
  notificationEmail: string[];
  /** keepalived's log lines since it last started that mention a script or SMTP. */
  logLines: string[];
}

const NOTIFY_SLOTS = ['master', 'backup', 'fault', 'stop'] as const;

/** The notify commands that would run when the instance enters `state`: notify_<state>, then notify. */
export function notifyCommandsFor(notify: Partial<Record<(typeof NOTIFY_SLOTS)[number] | 'any', string>>, state: string): Omit<NotifyCommand, 'probe'>[] {
  const slot = NOTIFY_SLOTS.find((s) => s === state.toLowerCase());
  const out: Omit<NotifyCommand, 'probe'>[] = [];
  if (slot && notify[slot]) out.push({ keyword: `notify_${slot}`, command: notify[slot]!, path: scriptPath(notify[slot]!) });
  if (notify.any) out.push({ keyword: 'notify', command: notify.any, path: scriptPath(notify.any) });
  return out;
}

function scriptPath(command: string): string {
  return command.trim().split(/\s+/)[0] ?? command;
}

/** A keepalived log line without its timestamp, as a diagnosis quotes it. */
const logged = (line: string) => line.replace(/^.*?\d{4}:\s+/, '').trim();
const saidAs = (line: string | null) => (line ? `; keepalived logged "${line}"` : '');

/** Why a node sent no mail: what is wrong with each of its mailers, or what to try next. */
export const MAILER_DIAGNOSES = defineDiagnoses({
  'mail-not-sent': (p: { node: NodeName }, causes) => `On ${p.node}: ${causes.join('; ')}.`,
  'mail-no-config': (_: { node: NodeName }) => 'there is no /etc/keepalived/keepalived.conf',
  'mail-keepalived-stopped': (_: { node: NodeName }) => 'keepalived is not running, so nothing reports its state changes',
  'mail-no-mailer': (p: { instance: string | null; keyword: string | null; state: string }) => {
    const keyword = p.keyword ?? 'notify';
    return `${p.instance ? `vrrp_instance ${p.instance}` : 'the vrrp_instance'} has no ${keyword} script and no smtp_alert, so nothing sends mail when it enters ${p.state.toUpperCase()}: add ${keyword} "/etc/keepalived/notify.sh ${p.state.toLowerCase()}" (a script that runs mail) or smtp_alert`;
  },
  'notify-script-missing': (p: { node: NodeName; keyword: string; path: string; logged: string | null }) =>
    `${p.keyword} runs ${p.path}, which does not exist on ${p.node}${saidAs(p.logged)}: put the script there or fix the path, then restart keepalived`,
  'notify-not-executable': (p: { keyword: string; path: string; mode: string | null; logged: string | null }) =>
    `${p.keyword} runs ${p.path}, which is not executable (mode ${p.mode ?? 'unknown'}, no run bit)${saidAs(p.logged)}: chmod +x ${p.path}, then restart keepalived`,
  'notify-unsafe-permissions': (p: { path: string; logged: string }) =>
    `keepalived refused ${p.path}${saidAs(p.logged)}: with enable_script_security the script and every folder above it must be writable by root only (chmod 755, owner root), then restart keepalived`,
  'notify-disabled-at-start': (p: { path: string; logged: string; mode: string | null }) =>
    `keepalived disabled ${p.path} when it started${saidAs(p.logged)}; the file looks right now (mode ${p.mode ?? 'unknown'}), so restart keepalived to have it checked again`,
  'notify-looks-right': (p: { keyword: string; path: string; command: string }) =>
    `${p.keyword} runs ${p.path}, which exists and is executable: run it by hand (${p.command}) and read journalctl -u msmtp to see what became of its mail`,
  'smtp-no-server': (_: NoParams) => 'smtp_alert is on but global_defs has no smtp_server, so keepalived has nowhere to send: add smtp_server 127.0.0.1',
  'smtp-no-recipient': (_: NoParams) => 'smtp_alert is on but global_defs has no notification_email, so keepalived has nobody to mail',
  'smtp-error': (p: { server: string; logged: string }) => `smtp_alert is on (smtp_server ${p.server}) and keepalived logged "${p.logged}"`,
  'smtp-no-error': (p: { server: string }) => `smtp_alert is on (smtp_server ${p.server}) and keepalived logged no SMTP error: read journalctl -u keepalived | grep -i smtp`,
});
const say = MAILER_DIAGNOSES.say;

/** Why `f.node` sent no mail: `mail-not-sent` with one cause per mailer (or the one reason there is none). */
export function explainNoMail(f: MailerFacts): Diagnosis {
  return say('mail-not-sent', { node: f.node }, mailerCauses(f));
}

function mailerCauses(f: MailerFacts): Diagnosis[] {
  if (!f.hasConfig) return [say('mail-no-config', { node: f.node })];
  if (!f.keepalivedRunning) return [say('mail-keepalived-stopped', { node: f.node })];
  if (f.commands.length === 0 && !f.smtpAlert) {
    return [say('mail-no-mailer', { instance: f.instance ?? null, keyword: f.stateKeyword ?? null, state: f.state })];
  }

  const causes: Diagnosis[] = [];
  for (const c of f.commands) {
    const said = f.logLines.filter((l) => l.includes(c.path));
    const line = said.filter((l) => /not executable|cannot be (accessed|executed)|no such file|unsafe permissions|disabling|permission denied/i.test(l)).pop();
    const complaint = line === undefined ? null : logged(line);
    const p = c.probe;
    if (p && !p.exists) {
      causes.push(say('notify-script-missing', { node: f.node, keyword: c.keyword, path: c.path, logged: complaint }));
    } else if (p && !p.executable) {
      causes.push(say('notify-not-executable', { keyword: c.keyword, path: c.path, mode: p.mode ?? null, logged: complaint }));
    } else if (complaint && /unsafe permissions/i.test(complaint)) {
      causes.push(say('notify-unsafe-permissions', { path: c.path, logged: complaint }));
    } else if (complaint) {
      causes.push(say('notify-disabled-at-start', { path: c.path, logged: complaint, mode: p?.mode ?? null }));
    } else {
      causes.push(say('notify-looks-right', { keyword: c.keyword, path: c.path, command: c.command }));
    }
  }
  if (f.smtpAlert) {
    const smtpError = f.logLines.filter((l) => /smtp/i.test(l) && /error|fail|timeout|timed out|refused|cannot|unable/i.test(l)).pop();
    if (!f.smtpServer) causes.push(say('smtp-no-server', {}));
    else if (f.notificationEmail.length === 0) causes.push(say('smtp-no-recipient', {}));
    else if (smtpError) causes.push(say('smtp-error', { server: f.smtpServer, logged: logged(smtpError) }));
    else causes.push(say('smtp-no-error', { server: f.smtpServer }));
  }
  return causes;
}

/** Single-quote a word for sh. */
function sh(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const LOG_MARKER = '--kalab-log--';

/** What `node` has for mailing on entering `state`, with each notify script's file probed on the node. */
export async function probeMailers(lab: LabInstance, facts: readonly LbFacts[], node: NodeName, state: string): Promise<MailerFacts> {
  const f = facts.find((x) => x.node === node);
  const config = f?.config;
  const inst = instanceFor(config, lab.addresses.vip);
  const slot = NOTIFY_SLOTS.find((s) => s === state.toLowerCase());
  const commands: NotifyCommand[] = inst ? notifyCommandsFor(inst.notify, state) : [];
  const base: MailerFacts = {
    node,
    state,
    hasConfig: Boolean(config),
    keepalivedRunning: Boolean(f?.keepalivedRunning),
    ...(inst ? { instance: inst.name } : {}),
    ...(slot ? { stateKeyword: `notify_${slot}` } : {}),
    commands,
    smtpAlert: inst?.smtpAlert ?? false,
    ...(config?.global.smtpServer ? { smtpServer: config.global.smtpServer } : {}),
    notificationEmail: config?.global.notificationEmail ?? [],
    logLines: [],
  };
  if (f?.run !== 'running') return base;

  // One exec: each script's file, then keepalived's log since it last started (script and SMTP lines).
  const probes = commands
    .map((c, i) => `p=${sh(c.path)}; printf 'probe ${i}'; [ -e "$p" ] && printf ' exists'; [ -x "$p" ] && printf ' executable'; printf ' %s\\n' "$(stat -c 'mode=%a owner=%U' "$p" 2>/dev/null)"`)
    .join('; ');
  const log = `awk '/Starting Keepalived v/ { n = 0 } { line[n++] = $0 } END { for (i = 0; i < n; i++) print line[i] }' ${KEEPALIVED_LOG} 2>/dev/null | grep -i -e script -e smtp | tail -n 40`;
  const result = await lab.exec(node, `${probes ? `${probes}; ` : ''}echo ${LOG_MARKER}; ${log}`, { timeoutS: 5 });
  const [probeText = '', logText = ''] = result.stdout.split(`${LOG_MARKER}\n`);
  for (const line of probeText.split('\n')) {
    const m = /^probe (\d+)((?: exists| executable)*)\s*(?:mode=(\d+) owner=(\S+))?/.exec(line);
    const c = m ? commands[Number(m[1])] : undefined;
    if (!m || !c) continue;
    c.probe = {
      exists: m[2]!.includes('exists'),
      executable: m[2]!.includes('executable'),
      ...(m[3] ? { mode: m[3] } : {}),
      ...(m[4] ? { owner: m[4] } : {}),
    };
  }
  return { ...base, commands, logLines: logText.split('\n').filter(Boolean) };
}

/**
 * Syntax colouring for keepalived.conf in the editor tab (a CodeMirror 6 stream parser). Known
 * block keywords, directives and values get colours; a misspelt directive stays plain, which is a
 * hint in itself ("virtual_ipadress" does not light up). Shell scripts (notify.sh) are not parsed.
 */
import type { StreamParser, StringStream } from '@codemirror/language';

/** Keywords that open a block ("vrrp_instance VI_1 {"). */
export const BLOCK_KEYWORDS = new Set([
  'global_defs',
  'vrrp_instance',
  'vrrp_sync_group',
  'vrrp_script',
  'vrrp_track_process',
  'vrrp_track_file',
  'virtual_server',
  'virtual_server_group',
  'real_server',
  'authentication',
  'virtual_ipaddress',
  'virtual_ipaddress_excluded',
  'virtual_routes',
  'virtual_rules',
  'track_interface',
  'track_script',
  'track_process',
  'track_file',
  'unicast_peer',
  'static_ipaddress',
  'static_routes',
  'static_rules',
  'notification_email',
  'group',
  'HTTP_GET',
  'SSL_GET',
  'TCP_CHECK',
  'MISC_CHECK',
  'SMTP_CHECK',
  'DNS_CHECK',
  'url',
  'include',
]);

/** Directives (the first word of a line inside a block). */
export const DIRECTIVES = new Set([
  'state',
  'interface',
  'virtual_router_id',
  'priority',
  'advert_int',
  'auth_type',
  'auth_pass',
  'nopreempt',
  'preempt_delay',
  'unicast_src_ip',
  'unicast_ttl',
  'notify',
  'notify_master',
  'notify_backup',
  'notify_fault',
  'notify_stop',
  'smtp_alert',
  'router_id',
  'notification_email_from',
  'smtp_server',
  'smtp_connect_timeout',
  'script',
  'interval',
  'weight',
  'fall',
  'rise',
  'timeout',
  'user',
  'init_fail',
  'garp_master_delay',
  'garp_master_repeat',
  'garp_master_refresh',
  'dont_track_primary',
  'track_src_ip',
  'use_vmac',
  'vmac_xmit_base',
  'native_ipv6',
  'version',
  'vrrp_version',
  'vrrp_strict',
  'vrrp_skip_check_adv_addr',
  'vrrp_garp_interval',
  'vrrp_gna_interval',
  'vrrp_mcast_group4',
  'vrrp_iptables',
  'enable_script_security',
  'script_user',
  'max_auto_priority',
  'lvs_sync_daemon',
  'lvs_id',
  'delay_loop',
  'lb_algo',
  'lb_kind',
  'persistence_timeout',
  'protocol',
  'sorry_server',
  'connect_port',
  'connect_timeout',
  'connect_ip',
  'retry',
  'delay_before_retry',
  'nb_get_retry',
  'path',
  'digest',
  'status_code',
  'misc_path',
  'misc_timeout',
  'dev',
  'scope',
  'label',
]);

/** Values that are words of their own (state MASTER, auth_type PASS, lb_kind DR). */
export const ATOMS = new Set(['MASTER', 'BACKUP', 'PASS', 'AH', 'NAT', 'DR', 'TUN', 'TCP', 'UDP', 'SCTP', 'rr', 'wrr', 'lc', 'wlc', 'sh', 'dh', 'lblc', 'true', 'false', 'on', 'off']);

export interface KeepalivedParseState {
  /** No word yet on this line: the next word is a directive. */
  atLineStart: boolean;
  /** The previous word named a block whose next word is that block's name (vrrp_instance VI_1). */
  expectName: boolean;
}

const NAMED_BLOCKS = new Set(['vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'vrrp_track_process', 'vrrp_track_file', 'virtual_server_group']);

export const keepalivedParser: StreamParser<KeepalivedParseState> = {
  name: 'keepalived',
  startState: () => ({ atLineStart: true, expectName: false }),
  copyState: (s) => ({ ...s }),
  token(stream: StringStream, state: KeepalivedParseState): string | null {
    if (stream.sol()) {
      state.atLineStart = true;
      state.expectName = false;
    }
    if (stream.eatSpace()) return null;
    const ch = stream.peek();
    if (ch === '#' || ch === '!') {
      stream.skipToEnd();
      return 'comment';
    }
    if (ch === '{' || ch === '}') {
      stream.next();
      state.atLineStart = ch === '}' ? state.atLineStart : false;
      return 'brace';
    }
    if (ch === '"') {
      stream.next();
      while (!stream.eol()) {
        const c = stream.next();
        if (c === '\\') stream.next();
        else if (c === '"') break;
      }
      state.atLineStart = false;
      return 'string';
    }
    const word = stream.match(/^[^\s{}"#!]+/) as RegExpMatchArray | null;
    if (!word) {
      stream.next();
      return null;
    }
    const text = word[0];
    const first = state.atLineStart;
    state.atLineStart = false;
    if (state.expectName) {
      state.expectName = false;
      return 'variableName.definition';
    }
    if (/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/.test(text) || /^[0-9a-f:]+:[0-9a-f:]*(\/\d{1,3})?$/i.test(text)) return 'number';
    if (/^-?\d+(\.\d+)?$/.test(text)) return 'number';
    if (first) {
      if (BLOCK_KEYWORDS.has(text)) {
        state.expectName = NAMED_BLOCKS.has(text);
        return 'keyword';
      }
      if (DIRECTIVES.has(text)) return 'propertyName';
      return null;
    }
    if (ATOMS.has(text)) return 'atom';
    if (text.startsWith('/')) return 'string';
    return null;
  },
  languageData: { commentTokens: { line: '#' } },
};

/** The editor's language for a file: keepalived syntax for *.conf, plain text otherwise. */
export function isKeepalivedConfig(path: string): boolean {
  return /\.conf$/.test(path);
}

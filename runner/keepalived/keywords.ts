/**
 * The vocabulary of keepalived.conf as keepalived 2.2.7 knows it: which keywords each block
 * accepts, which of them stop keepalived when written without a value, and the limits and
 * defaults keepalived applies.
 *
 * Mirrors the install_keyword* calls of keepalived/vrrp/vrrp_parser.c and
 * keepalived/core/global_parser.c, the constants of keepalived/include/vrrp.h and vrrp_track.h, and
 * lib/parser.c null_strvec (a bare keyword whose handler reads a value).
 */

/** keepalived's limits and defaults (keepalived/include/vrrp.h, vrrp_track.h, vrrp_parser.c). */
export const PRIORITY_DEFAULT = 100; // VRRP_PRIO_DFL
export const PRIORITY_OWNER = 255; // VRRP_PRIO_OWNER: the address owner
export const ADVERT_DEFAULT_S = 1; // VRRP_ADVER_DFL
export const DOWN_TIMER_ADVERTS_DEFAULT = 3; // VRRP_DOWN_TIMER_ADVERTS
export const AUTH_PASS_LENGTH = 8; // VRRP_AUTH_LEN: auth_pass is truncated to this
export const SCRIPT_WEIGHT_MAX = 253;
/** Users a Debian lab node has, so `notify_master /path/script.sh root` is a valid "run as" form. */
export const NODE_USERS = new Set(['root', 'daemon', 'bin', 'sys', 'nobody', 'www-data', 'keepalived_script']);

// ---------------------------------------------------------------------------------------------
// Keywords keepalived 2.2.7 knows, by block (install_keyword* calls). Only some are modelled; the
// others are accepted silently (and their blocks skipped) so that valid configs raise no warning,
// and all of them feed the "did you mean" suggestions.

export const ROOT_KEYWORDS = new Set([
  'global_defs', 'vrrp_script', 'vrrp_instance', 'virtual_server', 'virtual_server_group', 'vrrp_sync_group',
  'static_ipaddress', 'static_routes', 'static_rules', 'track_group', 'garp_group', 'linkbeat_interfaces',
  'interface_up_down_delays', 'vrrp_track_process', 'track_file', 'vrrp_track_file', 'bfd_instance', 'SSL',
  'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir', 'instance', 'child_wait_time',
  'linkbeat_use_polling',
]);

export const GLOBAL_KEYWORDS = new Set([
  'process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'lvs_process_name', 'bfd_process_name',
  'router_id', 'notification_email_from', 'smtp_server', 'smtp_helo_name', 'smtp_connect_timeout', 'notification_email',
  'smtp_alert', 'startup_script', 'startup_script_timeout', 'shutdown_script', 'shutdown_script_timeout',
  'max_auto_priority', 'min_auto_priority_delay', 'smtp_alert_vrrp', 'smtp_alert_checker', 'checker_log_all_failures',
  'dynamic_interfaces', 'no_email_faults', 'default_interface', 'disable_local_igmp', 'lvs_timeouts', 'lvs_flush',
  'lvs_flush_on_stop', 'lvs_flush_onstop', 'lvs_sync_daemon', 'vrrp_mcast_group4', 'vrrp_mcast_group6',
  'vrrp_garp_master_delay', 'vrrp_garp_master_repeat', 'vrrp_garp_master_refresh', 'vrrp_garp_master_refresh_repeat',
  'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat', 'vrrp_down_timer_adverts', 'vrrp_garp_interval',
  'vrrp_gna_interval', 'vrrp_min_garp', 'vrrp_garp_extra_if', 'vrrp_vmac_garp_intvl', 'vrrp_lower_prio_no_advert',
  'vrrp_higher_prio_send_advert', 'vrrp_version', 'vrrp_iptables', 'vrrp_ipsets', 'nftables', 'nftables_priority',
  'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark', 'nftables_counters',
  'vrrp_check_unicast_src', 'vrrp_skip_check_adv_addr', 'vrrp_strict', 'vrrp_priority', 'vrrp_no_swap',
  'vrrp_rt_priority', 'vrrp_cpu_affinity', 'vrrp_rlimit_rttime', 'vrrp_rlimit_rtime', 'notify_fifo',
  'notify_fifo_script', 'vrrp_notify_fifo', 'vrrp_notify_fifo_script', 'vrrp_notify_priority_changes',
  'fifo_write_vrrp_states_on_reload', 'lvs_notify_fifo', 'lvs_notify_fifo_script', 'checker_priority',
  'checker_no_swap', 'checker_rt_priority', 'checker_cpu_affinity', 'checker_rlimit_rttime', 'checker_rlimit_rtime',
  'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime', 'bfd_rlimit_rtime',
  'snmp_socket', 'enable_traps', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_rfc', 'enable_snmp_rfcv2',
  'enable_snmp_rfcv3', 'enable_snmp_checker', 'enable_dbus', 'dbus_service_name', 'script_user',
  'enable_script_security', 'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force',
  'vrrp_netlink_monitor_rcv_bufs', 'vrrp_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs',
  'process_monitor_rcv_bufs_force', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
  'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'rs_init_notifies', 'no_checker_emails',
  'vrrp_rx_bufs_policy', 'vrrp_rx_bufs_multiplier', 'vrrp_startup_delay', 'log_unknown_vrids', 'vmac_prefix',
  'vmac_addr_prefix', 'umask',
  // lib/parser.c include_check_set: which include failures stop keepalived. Accepted; its effect on
  // later include lines is not modelled (includes.ts applies the include variants' own checks).
  'include_check',
]);

export const INSTANCE_KEYWORDS = new Set([
  'use_vmac', 'use_vmac_addr', 'vmac_xmit_base', 'use_ipvlan', 'unicast_peer', 'unicast_fault_no_peer',
  'check_unicast_src', 'old_unicast_checksum', 'native_ipv6', 'state', 'interface', 'vrf', 'dont_track_primary',
  'track_interface', 'track_script', 'track_file', 'track_process', 'track_bfd', 'mcast_src_ip', 'unicast_src_ip',
  'mcast_dst_ip', 'track_src_ip', 'virtual_router_id', 'unicast_ttl', 'version', 'priority', 'advert_int',
  'virtual_ipaddress', 'virtual_ipaddress_excluded', 'promote_secondaries', 'linkbeat_use_polling', 'virtual_routes',
  'virtual_rules', 'accept', 'no_accept', 'skip_check_adv_addr', 'strict_mode', 'preempt', 'nopreempt',
  'preempt_delay', 'debug', 'notify_backup', 'notify_master', 'notify_fault', 'notify_stop', 'notify_deleted',
  'notify', 'notify_master_rx_lower_pri', 'smtp_alert', 'notify_priority_changes', 'lvs_sync_daemon_interface',
  'garp_master_delay', 'garp_master_refresh', 'garp_master_repeat', 'garp_master_refresh_repeat',
  'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'down_timer_adverts', 'garp_extra_if', 'vmac_garp_intvl',
  'lower_prio_no_advert', 'higher_prio_send_advert', 'kernel_rx_buf_size', 'authentication',
]);

const AUTH_KEYWORDS = new Set(['auth_type', 'auth_pass']);
const SCRIPT_KEYWORDS = new Set(['script', 'interval', 'timeout', 'weight', 'rise', 'fall', 'user', 'init_fail']);

export type BlockKind = 'root' | 'global_defs' | 'vrrp_instance' | 'authentication' | 'vrrp_script';

export const KEYWORDS_OF: Record<BlockKind, Set<string>> = {
  root: ROOT_KEYWORDS,
  global_defs: GLOBAL_KEYWORDS,
  vrrp_instance: INSTANCE_KEYWORDS,
  authentication: AUTH_KEYWORDS,
  vrrp_script: SCRIPT_KEYWORDS,
};

/**
 * Keywords whose handler reads its first value unconditionally: written bare, keepalived 2.2.7
 * stops with "missing a parameter" (lib/parser.c null_strvec) and the whole VRRP process exits.
 * Checked with `keepalived --config-test` in the lab image.
 */
export const NEEDS_VALUE: Partial<Record<BlockKind, Set<string>>> = {
  vrrp_instance: new Set([
    'state', 'interface', 'virtual_router_id', 'priority', 'advert_int', 'version', 'preempt_delay', 'unicast_src_ip',
    'debug', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop', 'notify', 'down_timer_adverts',
  ]),
  authentication: new Set(['auth_type', 'auth_pass']),
  vrrp_script: new Set(['interval', 'timeout', 'weight', 'rise', 'fall', 'user']),
  global_defs: new Set(['smtp_server', 'vrrp_version', 'smtp_connect_timeout', 'vrrp_down_timer_adverts']),
};

/** How a block is named in warnings. */
export const BLOCK_LABEL: Record<BlockKind, string> = {
  root: 'the top level',
  global_defs: 'global_defs',
  vrrp_instance: 'vrrp_instance',
  authentication: 'authentication',
  vrrp_script: 'vrrp_script',
};

/** Where a keyword belongs when it is not valid where it was written. */
export function homeOf(keyword: string, here: BlockKind): BlockKind | undefined {
  const order: BlockKind[] = ['vrrp_instance', 'global_defs', 'vrrp_script', 'authentication', 'root'];
  return order.find((kind) => kind !== here && KEYWORDS_OF[kind].has(keyword));
}

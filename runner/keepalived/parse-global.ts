/**
 * The keyword handlers of global_defs, for the settings the graders need (router_id, vrrp_strict,
 * smtp_*, notification_email*, script security, vrrp_version, smtp_alert*,
 * vrrp_down_timer_adverts); the other global keywords are accepted and skipped.
 *
 * Mirrors keepalived/core/global_parser.c (and the vrrp_* globals it installs) in keepalived 2.2.7.
 */
import type { StmtItem } from './lexer.ts';
import type { GlobalDefs } from './types.ts';
import { parseBool, parseInteger } from './values.ts';
import type { BlockWalker } from './walker.ts';

/** global_defs as read: GlobalDefs, plus the settings that only feed the instances' defaults. */
export interface GlobalDraft extends GlobalDefs {
  smtpAlert?: boolean;
  smtpAlertVrrp?: boolean;
  downTimerAdverts?: number;
}

export function newGlobalDraft(): GlobalDraft {
  return { vrrpStrict: false, notificationEmail: [], enableScriptSecurity: false };
}

/** The public part of global_defs: what only feeds the instances' defaults is left out. */
export function globalDefsOf(draft: GlobalDraft): GlobalDefs {
  const { smtpAlert: _smtpAlert, smtpAlertVrrp: _smtpAlertVrrp, downTimerAdverts: _downTimerAdverts, ...global } = draft;
  return global;
}

/** Reads a global_defs block into `g` (several blocks add up, as in keepalived). */
export function readGlobalDefs(walker: BlockWalker, opener: StmtItem, g: GlobalDraft): void {
  walker.extraWords(opener, 1);
  walker.block(opener, 'global_defs', (stmt) => globalStatement(walker, g, stmt));
}

function globalStatement(walker: BlockWalker, g: GlobalDraft, stmt: StmtItem): void {
  const keyword = stmt.words[0]!.text;
  switch (keyword) {
    case 'router_id': {
      const v = walker.value(stmt, 'a name');
      if (v !== undefined) g.routerId = stmt.words.slice(1).map((word) => word.text).join(' ');
      break;
    }
    case 'vrrp_strict':
      g.vrrpStrict = true;
      break;
    case 'smtp_server': {
      g.smtpServer = stmt.words[1]!.text; // present: NEEDS_VALUE checked it
      const port = stmt.words[2]?.text;
      if (port !== undefined) {
        const p = parseInteger(port, 1, 65535);
        if (p === undefined) {
          walker.warn(stmt.at, `keepalived reads '${port}' after smtp_server as the port, which is not a number, and rejects the smtp_server: no mail is sent. Comments must start with '#'.`);
          delete g.smtpServer;
        } else g.smtpPort = p;
      }
      break;
    }
    case 'notification_email':
      for (const entry of walker.valueLines(stmt)) {
        for (const address of entry.words) {
          g.notificationEmail.push(address.text);
          if (!address.text.includes('@')) {
            walker.warn(entry.at, `notification_email lists '${address.text}', which is not an email address (is the block's '}' missing or misplaced?).`);
          }
        }
      }
      break;
    case 'notification_email_from': {
      const v = walker.value(stmt, 'an address');
      if (v !== undefined) g.notificationEmailFrom = v;
      break;
    }
    case 'enable_script_security':
      g.enableScriptSecurity = true;
      break;
    case 'script_user': {
      const v = walker.value(stmt, 'a user name');
      if (v !== undefined) g.scriptUser = v;
      break;
    }
    case 'vrrp_version': {
      const v = parseInteger(stmt.words[1]?.text, 2, 3);
      if (v === undefined) walker.warn(stmt.at, `vrrp_version must be 2 or 3; keepalived ignores '${stmt.words[1]?.text ?? ''}'.`);
      else g.vrrpVersion = v as 2 | 3;
      break;
    }
    case 'smtp_alert':
    case 'smtp_alert_vrrp': {
      const v = stmt.words[1] ? parseBool(stmt.words[1].text) : true;
      if (v === undefined) walker.warn(stmt.at, `${keyword} takes on/off, true/false or yes/no; keepalived ignores '${stmt.words[1]!.text}'.`);
      else if (keyword === 'smtp_alert') g.smtpAlert = v;
      else g.smtpAlertVrrp = v;
      break;
    }
    case 'vrrp_down_timer_adverts': {
      const v = parseInteger(stmt.words[1]?.text, 1, 100);
      if (v === undefined) walker.warn(stmt.at, `vrrp_down_timer_adverts must be a whole number from 1 to 100; keepalived ignores it.`);
      else g.downTimerAdverts = v;
      break;
    }
    default:
      walker.skipBlock();
  }
}

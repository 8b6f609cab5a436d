/**
 * The keyword handlers of vrrp_script: the command and how often and how strictly it runs, and
 * the weight it adds to the instances that track it. A block without `script` is dropped, and
 * so is a second block of the same name, as keepalived does.
 *
 * Mirrors keepalived/vrrp/vrrp_parser.c (vrrp_script_handler and the vrrp_vscript_* handlers) and
 * the defaults of keepalived/vrrp/vrrp_data.c alloc_vrrp_script in keepalived 2.2.7.
 */
import { SCRIPT_WEIGHT_MAX } from './keywords.ts';
import { shellWords, type StmtItem } from './lexer.ts';
import type { VrrpScript } from './types.ts';
import { parseInteger } from './values.ts';
import type { BlockWalker } from './walker.ts';
import { describePlace } from './warnings.ts';

/** Reads a vrrp_script block and keeps it in `scripts` if keepalived would. */
export function readVrrpScript(walker: BlockWalker, opener: StmtItem, scripts: Record<string, VrrpScript>): void {
  const name = opener.words[1]?.text;
  if (!name) {
    walker.warn(opener.at, `vrrp_script needs a name (vrrp_script chk_nginx { ... }); without one keepalived stops with "missing a parameter" and does not start.`);
    walker.skipBlock();
    return;
  }
  walker.extraWords(opener, 2);
  const script: VrrpScript = { name, intervalS: 1, weight: 0, weightReverse: false, fall: 1, rise: 1, ...opener.at };
  const label = `vrrp_script ${name}`;
  walker.block(opener, 'vrrp_script', (stmt) => scriptStatement(walker, stmt, script, label), label);
  if (script.script === undefined) {
    walker.warn(opener.at, `${label} has no 'script' line, so keepalived drops it and every track_script naming it.`);
    return;
  }
  if (scripts[name]) {
    walker.warn(opener.at, `${label} is defined twice; keepalived tracks the first one (${describePlace(scripts[name])}).`);
    return;
  }
  scripts[name] = script;
}

function scriptStatement(walker: BlockWalker, stmt: StmtItem, script: VrrpScript, label: string): void {
  const keyword = stmt.words[0]!.text;
  const arg = stmt.words[1]?.text;
  switch (keyword) {
    case 'script': {
      const words = shellWords(stmt.raw).slice(1);
      if (words.length === 0) {
        walker.warn(stmt.at, `'script' needs a command.`);
        break;
      }
      script.script = words[0]!;
      if (words.length > 1) {
        walker.warn(
          stmt.at,
          `keepalived runs only '${words[0]}' here and drops '${words.slice(1).join(' ')}': put the whole command in double quotes (script "${words.join(' ')}").`,
        );
      }
      break;
    }
    case 'interval': {
      const v = parseInteger(arg, 0, 4294);
      if (v === undefined) walker.warn(stmt.at, `${label}: interval must be a whole number of seconds; keepalived ignores '${arg ?? ''}' and runs the script every ${script.intervalS} s.`);
      else if (v === 0) {
        walker.warn(stmt.at, `${label}: interval 0 is not allowed; keepalived uses 1.`);
        script.intervalS = 1;
      } else script.intervalS = v;
      break;
    }
    case 'timeout': {
      const v = parseInteger(arg, 0, 4294);
      if (v === undefined) walker.warn(stmt.at, `${label}: timeout must be a whole number of seconds; keepalived ignores '${arg ?? ''}'.`);
      else script.timeoutS = Math.max(1, v);
      break;
    }
    case 'weight': {
      const v = parseInteger(arg, -SCRIPT_WEIGHT_MAX, SCRIPT_WEIGHT_MAX);
      if (v === undefined) walker.warn(stmt.at, `${label}: weight must be a whole number from -253 to 253; keepalived ignores '${arg ?? ''}'.`);
      else script.weight = v;
      const option = stmt.words[2]?.text;
      if (option === 'reverse') script.weightReverse = true;
      else if (option !== undefined) walker.warn(stmt.at, `${label}: unknown weight option '${option}' (only 'reverse' is allowed).`);
      break;
    }
    case 'fall':
    case 'rise': {
      const v = parseInteger(arg, 1, 2 ** 31 - 1);
      if (v === undefined) walker.warn(stmt.at, `${label}: ${keyword} must be a whole number of at least 1; keepalived uses 1.`);
      script[keyword] = v ?? 1;
      break;
    }
    default:
      break; // user, init_fail: accepted, not modelled
  }
}

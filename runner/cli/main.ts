/**
 * The `kalab` command line. Each sub-command lives in commands/; this file wires them up and turns
 * errors into the contract's exit codes: a KalabError prints its one sentence and exits with its code.
 */
import { Command, CommanderError } from 'commander';
import { KalabError } from '../shared/errors.ts';
import { registerCheck } from './commands/check.ts';
import { registerInit } from './commands/init.ts';
import { registerLabCommands } from './commands/lab.ts';
import { registerSetup } from './commands/setup.ts';
import { registerStart } from './commands/start.ts';

const program = new Command('kalab')
  .description('Hands-on keepalived (VRRP) + nginx high-availability labs on real containers, graded step by step.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText(
    'after',
    `
Getting started:
  npm start                                 start the browser workbench (sets up Docker and images first)
  npx kalab check basic-vip --solution labs/basic-vip/solution
  npx kalab up basic-vip && npx kalab shell basic-vip lb1

Exit codes: 0 every step passed, 1 a step failed, 2 the check could not run, 130 interrupted.`,
  )
  .exitOverride();

registerCheck(program);
registerInit(program);
registerLabCommands(program);
registerSetup(program);
registerStart(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = exitCodeFor(err);
}

function exitCodeFor(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; usage errors were already printed by commander.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof KalabError) {
    process.stderr.write(`kalab: ${err.message}\n`);
    return err.exitCode;
  }
  process.stderr.write(`kalab: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 2;
}

/**
 * Errors a user can act on. Every failure that stops `kalab` before a verdict is one of these:
 * the message is one sentence saying what happened and what to do, and `exitCode` follows the
 * lab contract (2: the check could not run).
 */
export class KalabError extends Error {
  readonly exitCode: number;
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** No Docker engine answers, and none could be installed or started. */
export class EngineUnavailableError extends KalabError {}

/** The lab node images are missing and could not be built. */
export class ImageBuildError extends KalabError {}

/** A lab name that is not a folder in `labs/`, or a lab definition that does not validate. */
export class LabDefinitionError extends KalabError {}

/** A solution directory that breaks the contract's rules (unknown node, escaping path, symlink...). */
export class SolutionError extends KalabError {}

/** Something on the host is in the way (a port in use, an overlapping network). */
export class HostConflictError extends KalabError {}

/** The user pressed Ctrl-C (or the process got SIGTERM) while a lab was running. */
export class InterruptedError extends KalabError {
  constructor(signal: string) {
    super(`Interrupted by ${signal}; the lab was torn down.`, { exitCode: 130 });
  }
}

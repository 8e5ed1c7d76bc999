// How a failed command ends: one line on stderr and docker's exit code. Daemon errors read
// "Error response from daemon: ..." as docker prints them; `run`/`create` use 125 for their own failures.
import { isBerthError } from '../common/errors.js';

/** Thrown to end a command with a given exit code (its message, if any, already printed). */
export class CliExit extends Error {
  constructor(readonly code: number, message = '') {
    super(message);
  }
}

/** The line a user sees for an error. */
export function errorLine(e: unknown): string {
  if (isBerthError(e) && e.details.fromDaemon === true) return `Error response from daemon: ${e.message}`;
  if (isBerthError(e)) return e.kind === 'unavailable' ? e.message : `Error: ${e.message}`;
  return `Error: ${e instanceof Error ? e.message : String(e)}`;
}

export function printError(e: unknown, prefix = ''): void {
  process.stderr.write(`${prefix}${errorLine(e)}\n`);
}

/**
 * Runs `fn` for every name, printing failures as they happen and succeeding ones with `onOk`;
 * ends with exit 1 if any failed (docker's behaviour for stop, rm, kill, ...).
 */
export async function forEachName(names: string[], fn: (name: string) => Promise<void>, onOk: (name: string) => void = (n) => void process.stdout.write(`${n}\n`)): Promise<string[]> {
  const failed: string[] = [];
  for (const name of names) {
    try {
      await fn(name);
      onOk(name);
    } catch (e) {
      if (e instanceof CliExit) throw e;
      printError(e);
      failed.push(name);
    }
  }
  if (failed.length) throw new CliExit(1);
  return failed;
}

// Reading `.env` and `--env-file` files for interpolation: in order, a later file seeing the
// variables of earlier ones, the shell environment answering first.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { composeError } from './errors.js';
import { DotenvSyntaxError, parseDotenv } from './dotenv.js';
import { InvalidTemplate, MissingRequiredVariable } from './template.js';

/** Reads env files in order; a later file sees the variables of earlier ones. */
export function readEnvFiles(files: string[], shell: Record<string, string>, warnings: string[], display: (f: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of files) {
    if (!existsSync(f)) throw composeError(`couldn't find env file: ${f}`);
    if (statSync(f).isDirectory()) throw composeError(`${f} is a directory`);
    try {
      parseDotenv(readFileSync(f, 'utf8'), (k) => (Object.prototype.hasOwnProperty.call(shell, k) ? shell[k] : undefined), out, {
        onUnset: (name) => warnings.push(`The "${name}" variable is not set. Defaulting to a blank string.`),
      });
    } catch (e) {
      if (e instanceof DotenvSyntaxError) throw composeError(`failed to read env file: ${e.message}`, { file: display(f), line: e.line });
      if (e instanceof MissingRequiredVariable || e instanceof InvalidTemplate) throw composeError(e.message, { file: display(f) });
      throw e;
    }
  }
  return out;
}


// The `berth` command: docker-like verbs and `berth compose`. Commands only parse flags and
// call the API client or the orchestrator; errors become one line and a non-zero exit.
import { Command, CommanderError } from 'commander';
import { registerComposeCommands } from './compose/index.js';
import { isBerthError } from '../common/errors.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('berth');
  program.description('A container engine and Compose implementation').exitOverride().showHelpAfterError(false);
  registerComposeCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 125;
    if (isBerthError(e)) {
      process.stderr.write(`Error: ${e.message}\n`);
      return 1;
    }
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

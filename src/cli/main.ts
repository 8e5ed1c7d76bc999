// The `berth` command: docker-like verbs and `berth compose`. Commands only parse flags and
// call the API client or the orchestrator; errors become one line and docker's exit code.
import { Command, CommanderError } from 'commander';
import { registerComposeCommands } from './compose/index.js';
import { registerContainerCommands } from './commands/container-commands.js';
import { registerImageCommands } from './commands/image-commands.js';
import { registerSystemCommands } from './commands/system-commands.js';
import { isBerthError } from '../common/errors.js';
import { CliExit, printError } from './exit.js';
import { closeClient } from './context.js';

async function main(argv: string[]): Promise<number> {
  const program = new Command('berth');
  program
    .description('A container engine and Compose implementation')
    .exitOverride()
    .showHelpAfterError(false)
    .option('-H, --host <host>', 'Daemon socket to connect to (default unix:///run/berth/berth.sock, or $DOCKER_HOST)')
    .option('-D, --debug', 'Enable debug mode')
    .option('-l, --log-level <level>', 'Set the logging level', 'info')
    .version('berth version 0.1.0', '-v, --version', 'Print version information and quit');
  // compose keeps its own option parsing (flags before or after its verbs); the docker-like verbs
  // stop at their first operand so `run IMAGE cmd -x` passes -x to the container.
  registerComposeCommands(program);
  program.enablePositionalOptions();
  registerContainerCommands(program);
  registerImageCommands(program);
  registerSystemCommands(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 125;
    if (isBerthError(e, 'invalid_argument') && e.details.fromDaemon !== true) {
      printError(e);
      return 125;
    }
    printError(e);
    return 1;
  } finally {
    closeClient();
  }
}

const code = await main(process.argv.slice(2));
// Exit now: an attached stdin or a streaming request must not keep the process alive.
process.exit(code);

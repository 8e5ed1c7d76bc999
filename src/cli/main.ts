// The `berth` command: docker-like verbs and `berth compose`. Commands only parse flags and
// call the API client or the orchestrator; errors become one line and docker's exit code.
import { Command, CommanderError } from 'commander';
import { registerContainerCommands } from './commands/container-commands.js';
import { registerImageCommands } from './commands/image-commands.js';
import { registerSystemCommands } from './commands/system-commands.js';
import { registerResourceCommands } from './commands/resource-commands.js';
import { isBerthError } from '../common/errors.js';
import { CliExit, printError } from './exit.js';
import { closeClient } from './context.js';

const KNOWN_VERBS = new Set([
  'run', 'create', 'ps', 'start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause', 'wait', 'rename', 'logs', 'exec', 'attach', 'top',
  'stats', 'cp', 'inspect', 'export', 'container', 'images', 'build', 'tag', 'rmi', 'history', 'import', 'load', 'save', 'pull', 'push', 'login', 'logout', 'search', 'image',
  'version', 'info', 'events', 'system', 'network', 'volume', 'port', 'update',
]);

/** The first operand after the global options (-H and -l take a value). */
function verbOf(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-H' || a === '--host' || a === '-l' || a === '--log-level') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}

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
  // The Compose library (YAML, schemas) is most of the bundle: load it only for `berth compose`.
  if (argv.includes('compose')) {
    const { registerComposeCommands } = await import('./compose/index.js');
    registerComposeCommands(program);
  } else {
    program.command('compose').description('Define and run multi-container applications').allowUnknownOption().helpOption(false);
  }
  program.enablePositionalOptions();
  // Flag errors of the docker-like verbs are worded as docker words them (reportFlagError);
  // `berth compose` keeps commander's own wording.
  const dockerLike = verbOf(argv) !== 'compose';
  if (dockerLike) program.configureOutput({ writeErr: (str) => { if (!/^error: /.test(str)) process.stderr.write(str); } });
  // Defining ~150 docker flags costs more than running a verb: define only the verb asked for
  // (all of them for help or an unknown verb, so commander can list or suggest).
  // `berth --version` alone needs no verbs at all (defining them all cost ~10 ms of its ~25).
  const verb = verbOf(argv);
  const known = verb !== undefined && KNOWN_VERBS.has(verb);
  if (!(argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v'))) {
    registerContainerCommands(program, known ? verb : undefined);
    registerImageCommands(program, known ? verb : undefined);
    registerSystemCommands(program, known ? verb : undefined);
    registerResourceCommands(program, known ? verb : undefined);
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (e) {
    if (e instanceof CliExit) return e.code;
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0;
      return verbOf(argv) === 'compose' ? 125 : reportFlagError(e, argv);
    }
    if (isBerthError(e, 'invalid_argument') && e.details.fromDaemon !== true) {
      // A bad flag value reads as docker's: `invalid argument "x" for "-m, --memory" flag: ...`.
      if (e.message.startsWith('invalid argument')) process.stderr.write(`${e.message}\n`);
      else printError(e);
      return 125;
    }
    printError(e);
    return 1;
  } finally {
    closeClient();
  }
}

/** docker's wording for command-line mistakes: unknown flags and verbs, missing values and operands. */
function reportFlagError(e: CommanderError, argv: string[]): number {
  const verb = argv.filter((a) => !a.startsWith('-')).slice(0, 2);
  const cmdName = ['container', 'image', 'network', 'volume', 'system'].includes(verb[0]) ? verb.join(' ') : verb[0] ?? '';
  const see = `\nRun 'berth ${cmdName ? `${cmdName} ` : ''}--help' for more information\n`;
  const quoted = /'([^']+)'/.exec(e.message)?.[1] ?? '';
  switch (e.code) {
    case 'commander.unknownOption':
      process.stderr.write(`unknown flag: ${quoted}\n${see}`);
      return 125;
    case 'commander.optionMissingArgument':
      process.stderr.write(`flag needs an argument: ${quoted.split(/[ ,]+/).find((t) => t.startsWith('--')) ?? quoted}\n${see}`);
      return 125;
    case 'commander.missingArgument':
      process.stderr.write(`berth: 'berth ${cmdName}' requires at least 1 argument\n${see}`);
      return 1;
    case 'commander.unknownCommand':
      process.stderr.write(`berth: unknown command: berth ${quoted}\n\nRun 'berth --help' for more information\n`);
      return 1;
    default:
      process.stderr.write(`${e.message.replace(/^error: /, '')}\n${see}`);
      return 125;
  }
}

// `berth logs x | head`: a reader that went away ends us quietly, as it ends the docker CLI.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 1));

// Exit as soon as the verb is done: an attached stdin or a streaming request must not keep the
// process alive. (No top-level await: the bundle is CommonJS, see scripts/build.mjs.)
void main(process.argv.slice(2)).then((code) => process.exit(code));

// `berth compose ...`: the Compose verbs. Each verb lives in its own file beside this one.
import { Option, type Command } from 'commander';
import { addGlobalComposeOptions, processIO, type ComposeIO } from './options.js';
import { registerConfigCommand } from './config.js';
import { registerUpCommands } from './up.js';
import { registerDownCommand } from './down.js';
import { registerPsCommand } from './ps.js';
import { registerLogsCommand } from './logs.js';
import { registerStartCommand } from './start.js';
import { registerStopCommand } from './stop.js';
import { registerRestartCommand } from './restart.js';
import { registerRmCommand } from './rm.js';
import { registerKillCommand } from './kill.js';
import { registerPauseCommands } from './pause.js';
import { registerLsCommand } from './ls.js';
import { registerExecCommand } from './exec.js';
import { registerPortCommand } from './port.js';
import { registerRunCommand } from './run.js';
import { registerScaleCommand } from './scale.js';
import { registerTopCommand } from './top.js';
import { registerImagesCommand } from './images.js';
import { registerWaitCommand } from './wait.js';
import { registerEventsCommand } from './events.js';
import { registerCpCommand } from './cp.js';
import { registerBuildCommand } from './build.js';
import { registerPullPushCommands } from './pull-push.js';
import { registerAttachCommand } from './attach.js';
import { registerWatchCommand } from './watch.js';

export function registerComposeCommands(program: Command, io: ComposeIO = processIO): void {
  const compose = addGlobalComposeOptions(program.command('compose').description('Define and run multi-container applications'));
  compose.enablePositionalOptions(); // before any verb: `exec` passes options after its command through
  compose.option('--progress <type>', 'Set type of progress output (auto, tty, plain, json, quiet)');
  compose.command('version').description('Show the Compose version information').action(() => {
    io.stdout('berth compose version 0.1.0\n');
  });
  registerConfigCommand(compose, io);
  registerUpCommands(compose, io);
  registerDownCommand(compose, io);
  registerPsCommand(compose, io);
  registerLogsCommand(compose, io);
  registerStartCommand(compose, io);
  registerStopCommand(compose, io);
  registerRestartCommand(compose, io);
  registerRmCommand(compose, io);
  registerKillCommand(compose, io);
  registerPullPushCommands(compose, io);
  registerPauseCommands(compose, io);
  registerLsCommand(compose, io);
  registerExecCommand(compose, io);
  registerPortCommand(compose, io);
  registerRunCommand(compose, io);
  registerScaleCommand(compose, io);
  registerTopCommand(compose, io);
  registerImagesCommand(compose, io);
  registerWaitCommand(compose, io);
  registerEventsCommand(compose, io);
  registerCpCommand(compose, io);
  registerBuildCommand(compose, io);
  registerAttachCommand(compose, io);
  registerWatchCommand(compose, io);
  shareGlobalOptions(compose);
}

/**
 * The global options are accepted before or after the verb (`compose -f a.yaml up`, `compose up
 * -f a.yaml`), yet a verb's own short flags win after it (`rm -f` forces, `logs -f` follows), as in
 * docker compose: each verb gets a copy of the globals whose short flag it does not use, and the
 * values given after the verb are merged into the compose command's before any action runs.
 */
function shareGlobalOptions(compose: Command): void {
  for (const verb of compose.commands) {
    for (const g of compose.options) {
      if (!g.long || verb.options.some((o) => o.long === g.long)) continue;
      const shortFree = g.short !== undefined && !verb.options.some((o) => o.short === g.short);
      const copy = new Option(`${shortFree ? `${g.short}, ` : ''}${g.long}${g.required ? ' <value>' : ''}`, g.description);
      if (g.parseArg) copy.argParser(g.parseArg);
      verb.addOption(copy);
    }
  }
  compose.hook('preAction', (_compose, verb) => {
    if (verb === compose) return;
    for (const g of compose.options) {
      const key = g.attributeName();
      const value: unknown = verb.getOptionValue(key);
      if (value === undefined) continue;
      const before: unknown = compose.getOptionValue(key);
      compose.setOptionValue(key, Array.isArray(value) && Array.isArray(before) ? [...(before as unknown[]), ...value] : value);
    }
  });
}

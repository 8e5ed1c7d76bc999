// The flags that say how a container's process runs, shared by `run`/`create`, `exec` and
// `compose run`/`compose exec`: one definition each, so their spelling and parsing cannot drift.
import type { Command } from 'commander';
import { collect } from './flags.js';

type FlagDef = readonly [flags: string, description: string, parse?: (value: string, previous: string[]) => string[]];

const PROCESS_FLAGS = {
  name: ['--name <name>', 'Assign a name to the container'],
  detach: ['-d, --detach', 'Run container in background and print container ID'],
  rm: ['--rm', 'Automatically remove the container when it exits'],
  interactive: ['-i, --interactive', 'Keep STDIN open even if not attached'],
  tty: ['-t, --tty', 'Allocate a pseudo-TTY'],
  env: ['-e, --env <list>', 'Set environment variables', collect],
  envFile: ['--env-file <file>', 'Read in a file of environment variables', collect],
  workdir: ['-w, --workdir <dir>', 'Working directory inside the container'],
  user: ['-u, --user <user>', 'Username or UID (format: <name|uid>[:<group|gid>])'],
  entrypoint: ['--entrypoint <cmd>', 'Overwrite the default ENTRYPOINT of the image'],
  privileged: ['--privileged', 'Give extended privileges to this container'],
  detachKeys: ['--detach-keys <keys>', 'Override the key sequence for detaching a container'],
} as const satisfies Record<string, FlagDef>;

export type ProcessFlag = keyof typeof PROCESS_FLAGS;

/**
 * Adds the named flags to `cmd`, in that order. `wording` replaces a flag's help text where a
 * command words it its own way (docker's exec: "Detached mode: run command in the background");
 * `defaults` gives a flag a default value (compose run's -i is on unless turned off).
 */
export function addProcessFlags(cmd: Command, names: ProcessFlag[], wording: Partial<Record<ProcessFlag, string>> = {}, defaults: Partial<Record<ProcessFlag, boolean>> = {}): Command {
  for (const name of names) {
    const [flags, description, parse] = PROCESS_FLAGS[name] as FlagDef;
    const text = wording[name] ?? description;
    if (parse) cmd.option(flags, text, parse);
    else if (defaults[name] !== undefined) cmd.option(flags, text, defaults[name]);
    else cmd.option(flags, text);
  }
  return cmd;
}

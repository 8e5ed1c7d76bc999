// The global `berth compose` options (-f, -p, --project-directory, --env-file, --profile) and
// how a verb turns them into the Compose loader's options.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { LoadOptions } from '../../compose/index.js';

export interface ComposeGlobalOptions {
  file?: string[];
  projectName?: string;
  projectDirectory?: string;
  envFile?: string[];
  profile?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addGlobalComposeOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <file>', 'Compose configuration files (repeatable, - for stdin)', collect)
    .option('-p, --project-name <name>', 'Project name')
    .option('--project-directory <dir>', 'Alternate working directory (default: the directory of the first Compose file)')
    .option('--env-file <file>', 'Alternate environment file (repeatable)', collect)
    .option('--profile <profile>', 'Profile to enable (repeatable)', collect);
}

export function loadOptionsFrom(g: ComposeGlobalOptions, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    cwd: process.cwd(),
    env: process.env,
    configPaths: g.file ?? [],
    stdin: () => readFileSync(0, 'utf8'),
    projectName: g.projectName,
    projectDirectory: g.projectDirectory,
    envFiles: g.envFile,
    profiles: g.profile,
    ...extra,
  };
}

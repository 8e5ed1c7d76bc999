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
  ansi?: string;
  parallel?: string;
}

/** Where a verb reads and writes; tests pass their own to run verbs in-process. */
export interface ComposeIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  cwd: () => string;
  env: () => Record<string, string | undefined>;
  stdin: () => string;
  /** Whether stderr / stdout are terminals (live progress, coloured prefixes); absent: not. */
  stderrIsTTY?: () => boolean;
  stdoutIsTTY?: () => boolean;
  /** The terminal's width. */
  columns?: () => number;
}

export const processIO: ComposeIO = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  cwd: () => process.cwd(),
  env: () => process.env,
  stdin: () => readFileSync(0, 'utf8'),
  stderrIsTTY: () => process.stderr.isTTY === true,
  stdoutIsTTY: () => process.stdout.isTTY === true,
  columns: () => process.stderr.columns || 80,
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addGlobalComposeOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <file>', 'Compose configuration files (repeatable, - for stdin)', collect)
    .option('-p, --project-name <name>', 'Project name')
    .option('--project-directory <dir>', 'Alternate working directory (default: the directory of the first Compose file)')
    .option('--env-file <file>', 'Alternate environment file (repeatable)', collect)
    .option('--profile <profile>', 'Profile to enable (repeatable)', collect)
    .option('--ansi <when>', 'Control when to print ANSI control characters ("never"|"always"|"auto")')
    .option('--parallel <n>', 'Control max parallelism, -1 for unlimited');
}

export function loadOptionsFrom(g: ComposeGlobalOptions, io: ComposeIO, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    cwd: io.cwd(),
    env: io.env(),
    configPaths: g.file ?? [],
    stdin: io.stdin,
    projectName: g.projectName,
    projectDirectory: g.projectDirectory,
    envFiles: g.envFile,
    profiles: g.profile,
    ...extra,
  };
}

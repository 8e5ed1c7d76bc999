// Which Compose files make up the project: -f (repeatable, `-` for stdin), else COMPOSE_FILE
// (split on COMPOSE_PATH_SEPARATOR, default `:`), else compose.yaml and friends in the working
// directory or its parents, plus the first matching override file beside it.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { composeError } from './errors.js';

export const DEFAULT_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
export const DEFAULT_OVERRIDE_FILE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

export interface DiscoveryInput {
  configPaths: string[];
  env: Record<string, string>;
  cwd: string;
  /** --project-directory, already absolute. */
  projectDirectory?: string;
}

export interface Discovered {
  /** Absolute paths, or `-` for stdin. */
  files: string[];
  warnings: string[];
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

export function discoverComposeFiles(input: DiscoveryInput): Discovered {
  const warnings: string[] = [];
  if (input.configPaths.length > 0) {
    return { files: input.configPaths.map((p) => (p === '-' ? p : resolve(input.cwd, p))), warnings };
  }
  const fromEnv = input.env.COMPOSE_FILE;
  if (fromEnv !== undefined && fromEnv !== '') {
    const sep = input.env.COMPOSE_PATH_SEPARATOR || ':';
    return { files: fromEnv.split(sep).map((p) => resolve(input.cwd, p)), warnings };
  }
  let dir = input.projectDirectory ?? input.cwd;
  for (;;) {
    const found = DEFAULT_FILE_NAMES.map((n) => join(dir, n)).filter(isFile);
    if (found.length > 0) {
      if (found.length > 1) warnings.push(`Found multiple config files with supported names: ${found.join(', ')}; using ${found[0]}`);
      const overrides = DEFAULT_OVERRIDE_FILE_NAMES.map((n) => join(dir, n)).filter(isFile);
      if (overrides.length > 1) warnings.push(`Found multiple override files with supported names: ${overrides.join(', ')}; using ${overrides[0]}`);
      return { files: overrides.length > 0 ? [found[0], overrides[0]] : [found[0]], warnings };
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw composeError('no configuration file provided: not found');
}

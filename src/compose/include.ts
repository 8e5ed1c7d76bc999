// Step "include": each included file set loads as a project of its own — its own directory,
// its own `.env` — and its resources join the including file's. A local definition that
// differs from an imported one is an error (compose-go v2.9.1); an include cycle too.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { composeError } from './errors.js';
import { isDict, type Dict } from './dict.js';
import { absPath, resolveRelativePaths } from './paths.js';
import { readEnvFiles } from './env-files.js';

export interface IncludeContext {
  env: Record<string, string>;
  workingDir: string;
  home?: string;
  warnings: string[];
  /** Files on the current include chain, to detect cycles. */
  included: string[];
  display: (abs: string) => string;
  /** Loads and merges files as a sub-project with its own environment and directory. */
  loadFiles: (files: string[], sub: { env: Record<string, string>; workingDir: string; included: string[] }) => Dict;
}

export function applyInclude(cfg: Dict, file: string, ctx: IncludeContext): void {
  const includes = cfg.include;
  delete cfg.include;
  if (!Array.isArray(includes)) return;
  for (const inc of includes) {
    if (!isDict(inc)) continue;
    const paths = (Array.isArray(inc.path) ? inc.path : [inc.path]).map((p) => absPath(String(p), ctx.workingDir, ctx.home));
    const chain = [...ctx.included, file];
    if (chain.includes(paths[0])) {
      throw composeError(`include cycle detected: ${[...chain, paths[0]].map(ctx.display).join(' -> ')}`, { file: ctx.display(file) });
    }
    for (const p of paths) {
      if (!existsSync(p)) throw composeError(`included file ${ctx.display(p)} not found`, { file: ctx.display(file), path: 'include' });
    }
    const projectDir = typeof inc.project_directory === 'string' ? absPath(inc.project_directory, ctx.workingDir, ctx.home) : dirname(paths[0]);
    let envFiles: string[];
    if (inc.env_file !== undefined) {
      envFiles = (Array.isArray(inc.env_file) ? inc.env_file : [inc.env_file]).map((f) => absPath(String(f), ctx.workingDir, ctx.home)).filter((f) => f !== '/dev/null');
    } else {
      const dotenv = join(projectDir, '.env');
      envFiles = existsSync(dotenv) && statSync(dotenv).isFile() ? [dotenv] : [];
    }
    const fromFiles = readEnvFiles(envFiles, ctx.env, ctx.warnings, ctx.display);
    const env = { ...fromFiles, ...ctx.env };
    const imported = resolveRelativePaths(ctx.loadFiles(paths, { env, workingDir: projectDir, included: chain }), projectDir, ctx.home);
    for (const key of ['services', 'volumes', 'networks', 'secrets', 'configs']) {
      const from = imported[key];
      if (!isDict(from)) continue;
      const to: Dict = isDict(cfg[key]) ? cfg[key] : {};
      for (const [name, value] of Object.entries(from)) {
        // compose-go v2.9.1 refuses a local definition that differs from an imported one.
        if (name in to && !isDeepStrictEqual(to[name], value)) {
          throw composeError(`${key}.${name} conflicts with imported resource`, { file: ctx.display(file), path: 'include' });
        }
        to[name] = value;
      }
      cfg[key] = to;
    }
  }
}


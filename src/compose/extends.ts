// Step "extends": a service inherits another service's definition (same file or another file,
// chained), merged with the Compose rules. Paths in another file are relative to that file.
// A cycle is an error.
import { dirname, resolve as resolvePath } from 'node:path';
import { composeError } from './errors.js';
import { deepClone, isDict, type Dict, type ModelPath } from './dict.js';
import { enforceUnicity, mergeValue } from './merge.js';
import { resolveServicePaths } from './paths.js';

export interface ExtendsContext {
  /** Paths tagged `!reset`/`!override` in the extending file: they also cut the inherited base. */
  resets?: ModelPath[];
  /** Loads another file's services (parsed, interpolated, validated, canonical, paths not yet resolved). */
  loadServices: (absFile: string, from: { file: string; service: string }) => Dict;
  displayName: (absFile: string) => string;
  home?: string;
}

/**
 * Applies `extends` to every service of `dict`, read from `absFile`. `baseDir` is the directory a
 * relative `extends.file` is relative to: the project directory for the project's own files, the
 * extended file's directory for files reached through `extends`.
 */
export function applyExtends(dict: Dict, absFile: string, baseDir: string, ctx: ExtendsContext): void {
  const services = dict.services;
  if (!isDict(services)) return;
  for (const name of Object.keys(services)) {
    services[name] = resolve(name, services, absFile, baseDir, ctx, []);
  }
}

function resolve(name: string, services: Dict, file: string, baseDir: string, ctx: ExtendsContext, chain: string[]): unknown {
  const s = services[name];
  if (!isDict(s) || !isDict(s.extends)) return s;
  const ref = String(s.extends.service);
  const step = `${ctx.displayName(file)}#${name}`;
  if (chain.includes(step)) {
    throw composeError(`extends cycle detected: ${[...chain, step].join(' -> ')}`, { file: ctx.displayName(file), path: `services.${name}.extends` });
  }
  let baseServices = services;
  let baseFile = file;
  let nextBaseDir = baseDir;
  if (typeof s.extends.file === 'string') {
    baseFile = resolvePath(baseDir, s.extends.file);
    nextBaseDir = dirname(baseFile);
    baseServices = ctx.loadServices(baseFile, { file: ctx.displayName(file), service: name });
    for (const [n, b] of Object.entries(baseServices)) if (isDict(b)) resolveServicePaths(b, dirname(baseFile), ctx.home, n);
  }
  if (!(ref in baseServices)) {
    throw composeError(`cannot extend service "${name}": service "${ref}" not found in ${ctx.displayName(baseFile)}`, { file: ctx.displayName(file), path: `services.${name}.extends` });
  }
  const base = resolve(ref, baseServices, baseFile, nextBaseDir, ctx, [...chain, step]);
  if (!isDict(base)) return s;
  const own = { ...s };
  delete own.extends;
  const inherited = deepClone(base);
  for (const p of ctx.resets ?? []) {
    if (p[0] === 'services' && p[1] === name && p.length > 2) deleteIn(inherited, p.slice(2));
  }
  const merged = mergeValue(inherited, own, ['services', name]) as Dict;
  delete merged.extends;
  enforceUnicity({ services: { [name]: merged } });
  services[name] = merged;
  return merged;
}

function deleteIn(root: Dict, path: ModelPath): void {
  let cur: unknown = root;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  const last = path[path.length - 1];
  if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
  else if (isDict(cur)) delete cur[String(last)];
}

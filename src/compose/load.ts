// The pipeline in one place: discover → env → name → for each file (parse → interpolate →
// validate → canonical → include → !reset/!override → extends → merge) → defaults → paths →
// normalise → typed model → profiles → consistency → selected services → service environment →
// unused resources dropped. Every step lives in its own module; this file only sequences them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { composeError, parsePath } from './errors.js';
import { isBerthError } from '../common/errors.js';
import { isDict, type Dict, type ModelPath } from './dict.js';
import { discoverComposeFiles } from './discover.js';
import { parseComposeYaml } from './parse.js';
import { interpolateDict } from './interpolate.js';
import { validateSchema } from './schema.js';
import { canonicalize } from './canonical.js';
import { enforceUnicity, mergeModels } from './merge.js';
import { applyExtends } from './extends.js';
import { resolveRelativePaths } from './paths.js';
import { applyDefaults, normalize } from './normalize.js';
import { toResource, toServiceConfig } from './model.js';
import { checkConsistency, checkContainerNameUnicity } from './consistency.js';
import { checkExplicitName, normalizeProjectName } from './project-name.js';
import { SourceMap } from './source-map.js';
import { applyInclude } from './include.js';
import { readEnvFiles } from './env-files.js';
import { applyProfiles, dropUnusedResources, selectProfiles, selectServices } from './selection.js';
import { resolveLabelFiles, resolveServiceEnvironment } from './service-files.js';
import { substitute, InvalidTemplate, MissingRequiredVariable } from './template.js';
import type { FileObjectConfig, NetworkConfig, Project, ServiceConfig, VolumeConfig } from './types.js';

export interface LoadOptions {
  /** Directory relative paths in options are resolved against (the user's cwd). */
  cwd: string;
  /** The process environment (shell env wins over env files). */
  env: Record<string, string | undefined>;
  /** -f values, in order; `-` reads `stdin`. */
  configPaths?: string[];
  /** Content of stdin, when a config path is `-`. */
  stdin?: () => string;
  /** -p */
  projectName?: string;
  /** --project-directory */
  projectDirectory?: string;
  /** --env-file values. */
  envFiles?: string[];
  /** --profile values (COMPOSE_PROFILES when empty). */
  profiles?: string[];
  /** Services named on the command line: they enable themselves and restrict the project. */
  services?: string[];
  /** false for --no-interpolate. */
  interpolate?: boolean;
  /** Keep networks/volumes/secrets/configs no service uses (`docker compose config` drops them). */
  keepUnusedResources?: boolean;
  /** Resolve env_file entries into environment and drop env_file (what `config` prints). */
  resolveServiceEnvironment?: boolean;
  /**
   * Drop env_file/label_file once folded (default true, what `config` prints). `docker compose up`
   * keeps them, and they are part of its config hash: the orchestrator passes false.
   */
  discardEnvFiles?: boolean;
}

export interface LoadResult {
  project: Project;
  warnings: string[];
}

export interface ModelResult {
  /** The merged, normalised model before typing: what `config --no-interpolate` prints. */
  model: Dict;
  warnings: string[];
}

interface Ctx {
  env: Record<string, string>;
  workingDir: string;
  home?: string;
  warnings: string[];
  interpolate: boolean;
  included: string[];
  sources: SourceMap;
  display: (abs: string) => string;
  stdin?: () => string;
}

function readText(file: string, ctx: Ctx, from?: string): string {
  if (file === '-') return ctx.stdin ? ctx.stdin() : '';
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file or directory' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw composeError(`failed to read ${ctx.display(file)}: ${what}`, from ? { file: from } : {});
  }
}

/** Parses and interpolates one file; returns its documents validated and canonical. */
function readModel(file: string, ctx: Ctx, from?: string): { docs: Array<{ value: Dict; resets: ModelPath[]; overrides: ModelPath[] }>; sources: SourceMap } {
  const display = ctx.display(file);
  const parsed = parseComposeYaml(readText(file, ctx, from), display);
  const docs = parsed.documents.map((doc) => {
    let value = doc.value;
    if (ctx.interpolate) {
      value = interpolateDict(value, {
        lookup: (k) => (Object.prototype.hasOwnProperty.call(ctx.env, k) ? ctx.env[k] : undefined),
        file: display,
        sources: parsed.sources,
        warn: (m) => ctx.warnings.push(m),
      });
    }
    validateSchema(value, parsed.sources);
    return { value: canonicalize(value, parsed.sources, !ctx.interpolate), resets: doc.resets, overrides: doc.overrides };
  });
  return { docs, sources: parsed.sources };
}

function deletePath(root: Dict, path: ModelPath): void {
  let cur: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isDict(cur) && !Array.isArray(cur)) return;
    cur = (cur as Record<string | number, unknown>)[path[i]];
  }
  const last = path[path.length - 1];
  if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
  else if (isDict(cur)) delete cur[String(last)];
}

/** Loads and merges a list of files into one canonical model (paths still relative). */
function loadFiles(files: string[], ctx: Ctx): Dict {
  let dict: Dict = {};
  for (const file of files) {
    const { docs, sources } = readModel(file, ctx);
    ctx.sources.absorb(sources);
    for (const doc of docs) {
      const cfg = doc.value;
      applyInclude(cfg, file, {
        ...ctx,
        loadFiles: (paths, sub) => loadFiles(paths, { ...ctx, ...sub }),
      });
      for (const p of [...doc.resets, ...doc.overrides]) deletePath(dict, p);
      applyExtends(cfg, file === '-' ? join(ctx.workingDir, 'stdin') : file, ctx.workingDir, {
        loadServices: (abs, from) => {
          if (!existsSync(abs)) throw composeError(`extends file ${ctx.display(abs)} not found`, { file: from.file, path: `services.${from.service}.extends.file` });
          const m = readModel(abs, ctx, from.file);
          const merged = m.docs.reduce<Dict>((acc, d) => mergeModels(acc, d.value), {});
          return isDict(merged.services) ? merged.services : {};
        },
        displayName: ctx.display,
        home: ctx.home,
        resets: [...doc.resets, ...doc.overrides],
      });
      dict = mergeModels(dict, cfg);
    }
  }
  return dict;
}

/** Loads a Compose project exactly as `docker compose` would. Throws BerthError on bad input. */
export function loadProject(opts: LoadOptions): LoadResult {
  return withLocatedErrors((sources) => load(opts, sources, false) as LoadResult);
}

/**
 * The raw model, as compose-go's LoadModel gives it: merged and normalised but not typed, with
 * no profile filtering, consistency checks or env_file folding.
 */
export function loadModel(opts: LoadOptions): ModelResult {
  return withLocatedErrors((sources) => load(opts, sources, true) as ModelResult);
}

function withLocatedErrors<T>(run: (sources: SourceMap) => T): T {
  const sources = new SourceMap();
  try {
    return run(sources);
  } catch (e) {
    // Steps that only know the model path (paths, normalisation) get their file and line here.
    if (isBerthError(e) && typeof e.details.path === 'string' && e.details.file === undefined && typeof e.details.reason === 'string') {
      const loc = sources.locate(parsePath(e.details.path));
      if (loc.file) throw composeError(e.details.reason, loc);
    }
    throw e;
  }
}

function load(opts: LoadOptions, sources: SourceMap, modelOnly: boolean): LoadResult | ModelResult {
  const warnings: string[] = [];
  // stdin can be read once; the name lookup and the loader both need it.
  let stdinText: string | undefined;
  const readStdin = opts.stdin;
  if (readStdin) opts = { ...opts, stdin: () => (stdinText ??= readStdin()) };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.env)) if (v !== undefined) env[k] = v;
  if (env.PWD === undefined) env.PWD = opts.cwd;
  const projectDirectory = opts.projectDirectory ? resolve(opts.cwd, opts.projectDirectory) : undefined;
  const configPaths = opts.configPaths ?? [];

  const defaultWorkingDir = () => {
    if (projectDirectory) return projectDirectory;
    const first = configPaths.find((p) => p !== '-');
    return first ? dirname(resolve(opts.cwd, first)) : opts.cwd;
  };
  const envFileList = (wd: string) => {
    if (opts.envFiles && opts.envFiles.length > 0) return opts.envFiles.map((f) => resolve(opts.cwd, f));
    if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(env.COMPOSE_DISABLE_ENV_FILE ?? '')) return [];
    const p = join(wd, '.env');
    return existsSync(p) && statSync(p).isFile() ? [p] : [];
  };
  const shell = { ...env };
  const relativeTo = (dir: string) => (abs: string) => {
    if (abs === '-') return 'stdin';
    const rel = relative(dir, abs);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  };
  let display = relativeTo(defaultWorkingDir());
  // First pass of env files: COMPOSE_FILE and COMPOSE_PROFILES may come from `.env`.
  Object.assign(env, readEnvFiles(envFileList(defaultWorkingDir()), shell, warnings, display), shell);

  const discovered = discoverComposeFiles({ configPaths, env, cwd: opts.cwd, projectDirectory });
  warnings.push(...discovered.warnings);
  const files = discovered.files;
  for (const f of files) {
    if (f !== '-' && !existsSync(f)) throw composeError(`failed to read ${f}: no such file or directory`);
  }
  const firstFile = files.find((f) => f !== '-');
  const workingDir = projectDirectory ?? (firstFile ? dirname(firstFile) : opts.cwd);
  display = relativeTo(workingDir);
  // Second pass, now that the project directory is known.
  Object.assign(env, { ...readEnvFiles(envFileList(workingDir), shell, warnings, display), ...env });

  // Project name.
  let name: string;
  if (opts.projectName) name = checkExplicitName(opts.projectName);
  else if (env.COMPOSE_PROJECT_NAME) name = checkExplicitName(env.COMPOSE_PROJECT_NAME);
  else {
    const fromFiles = nameFromFiles(files, opts, env, display);
    name = fromFiles !== '' ? fromFiles : normalizeProjectName(basename(workingDir));
  }
  if (name === '') throw composeError('project name must not be empty');
  env.COMPOSE_PROJECT_NAME = name;

  const ctx: Ctx = {
    env, workingDir, home: env.HOME, warnings, interpolate: opts.interpolate !== false, included: [], sources, display, stdin: opts.stdin,
  };
  let dict = loadFiles(files, ctx);
  if (Object.keys(dict).length === 0) throw composeError('empty compose file', { file: display(files[0]) });
  if ('version' in dict) {
    warnings.push(`${display(files[0])}: the attribute \`version\` is obsolete, it will be ignored, please remove it to avoid potential confusion`);
    delete dict.version;
  }
  dict = applyDefaults(dict);
  dict = resolveRelativePaths(dict, workingDir, env.HOME);
  dict = normalize(dict, name, env);
  dict = enforceUnicity(dict) as Dict;
  if (modelOnly) return { model: { name, ...dict }, warnings };

  const project = toProject(dict, name, workingDir, files, env, sources);
  const profiles = selectProfiles(opts.profiles, env);
  applyProfiles(project, profiles, opts.services ?? []);
  checkConsistency(project, sources);
  if (opts.services && opts.services.length > 0) selectServices(project, opts.services);
  const discard = opts.discardEnvFiles !== false;
  if (opts.resolveServiceEnvironment !== false) resolveServiceEnvironment(project, sources, discard);
  resolveLabelFiles(project, sources, discard);
  checkContainerNameUnicity(project, sources);
  if (!opts.keepUnusedResources) dropUnusedResources(project);
  return { project, warnings };
}

function nameFromFiles(files: string[], opts: LoadOptions, env: Record<string, string>, display: (f: string) => string): string {
  let name = '';
  for (const f of files) {
    let text: string;
    try {
      text = f === '-' ? (opts.stdin?.() ?? '') : readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const m = /^name:[ \t]*(.*?)[ \t]*$/m.exec(text);
    if (!m) continue;
    let raw = m[1].replace(/\s+#.*$/, '');
    if ((raw.startsWith('"') && raw.endsWith('"')) || (raw.startsWith("'") && raw.endsWith("'"))) raw = raw.slice(1, -1);
    if (raw !== '') name = raw;
  }
  if (opts.interpolate !== false) {
    try {
      name = substitute(name, (k) => (Object.prototype.hasOwnProperty.call(env, k) ? env[k] : undefined));
    } catch (e) {
      if (e instanceof MissingRequiredVariable || e instanceof InvalidTemplate) throw composeError(e.message, { file: display(files[0]), path: 'name' });
      throw e;
    }
  }
  return normalizeProjectName(name);
}

function toProject(dict: Dict, name: string, workingDir: string, files: string[], env: Record<string, string>, sources: SourceMap): Project {
  const services: Record<string, ServiceConfig> = {};
  for (const [n, s] of Object.entries(isDict(dict.services) ? dict.services : {})) services[n] = toServiceConfig(n, isDict(s) ? s : {}, sources);
  const res = <T>(kind: string) => {
    const out: Record<string, T> = {};
    for (const [n, r] of Object.entries(isDict(dict[kind]) ? (dict[kind] as Dict) : {})) out[n] = toResource<T>(n, kind, r);
    return out;
  };
  const extensions: Dict = {};
  for (const [k, v] of Object.entries(dict)) if (k.startsWith('x-')) extensions[k] = v;
  return {
    name, workingDir, composeFiles: files, environment: env, services, disabledServices: {},
    networks: res<NetworkConfig>('networks'), volumes: res<VolumeConfig>('volumes'), secrets: res<FileObjectConfig>('secrets'),
    configs: res<FileObjectConfig>('configs'), extensions, profiles: [],
  };
}


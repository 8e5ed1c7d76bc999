// What every orchestrating verb needs: the project loaded as `docker compose up` loads it (env
// files kept, so config hashes match Compose's), the engine client, and progress lines on stderr.
import type { Command } from 'commander';
import type { EngineClient } from '../../api/client/index.js';
import { invalidArgument } from '../../common/errors.js';
import { resolve } from 'node:path';
import { loadProject, normalizeProjectName, type Project } from '../../compose/index.js';
import { discoverComposeFiles } from '../../compose/discover.js';
import { setParallelLimit, type ProgressEvent, type Reporter } from '../../orchestrator/index.js';
import { connect } from '../context.js';
import { loadOptionsFrom, type ComposeGlobalOptions, type ComposeIO } from './options.js';
import { ttyProgress } from './tty-progress.js';

export interface Session {
  project: Project;
  client: EngineClient;
  reporter: SessionReporter;
  /** No Compose file: the project is known by its labels only. */
  byLabels: boolean;
}

/** The `compose` command's own options, wherever the verb sits under it. */
export function globalsOf(cmd: Command): ComposeGlobalOptions {
  let c: Command | null = cmd;
  while (c && c.name() !== 'compose') c = c.parent;
  return (c ?? cmd).opts<ComposeGlobalOptions>();
}

/**
 * ` Container demo-web-1  Started`: docker compose's plain progress line (empty text column).
 * Compose quotes a volume's name while creating it (`Volume "demo_data"  Created`), not elsewhere.
 */
export function progressLine(e: ProgressEvent): string {
  const name = e.resource === 'Volume' && (e.status === 'Creating' || e.status === 'Created') ? `"${e.name}"` : e.name;
  return ` ${e.resource} ${name}  ${e.status}\n`;
}

/** A reporter the verb can close: the live TTY block stops redrawing (before logs follow it). */
export type SessionReporter = Reporter & { close(): void };

/**
 * Progress on stderr as docker compose shows it: a live block redrawn in place when stderr is a
 * terminal (`auto`, unless --ansi never) or with `tty`; plain lines otherwise or with `plain`;
 * one JSON object per event (`json`); nothing but warnings (`quiet`).
 */
export function stderrReporter(io: ComposeIO, progress = 'auto', ansi = 'auto'): SessionReporter {
  if (!['auto', 'tty', 'plain', 'json', 'quiet'].includes(progress)) throw invalidArgument(`unsupported --progress "${progress}" (auto, tty, plain, json, quiet)`);
  if (!['auto', 'never', 'always'].includes(ansi)) throw invalidArgument(`unsupported --ansi "${ansi}" (never, always, auto)`);
  const warn = (m: string) => io.stderr(`WARN[0000] ${m}\n`);
  const close = () => undefined;
  if (progress === 'quiet') return { event: () => undefined, warn, close };
  if (progress === 'json') return { event: (e) => io.stderr(`${JSON.stringify({ id: `${e.resource} ${e.name}`, status: e.status })}\n`), warn, close };
  const terminal = ansi === 'always' || (ansi === 'auto' && io.stderrIsTTY?.() === true);
  if (progress === 'tty' || (progress === 'auto' && terminal)) return ttyProgress(io.stderr, io.columns ?? (() => 80));
  return { event: (e) => io.stderr(progressLine(e)), warn, close };
}

/** Whether log prefixes are coloured: stdout a terminal (or --ansi always), not --ansi never. */
export function colorLogs(cmd: Command, io: ComposeIO): boolean {
  const { ansi = 'auto' } = globalsOf(cmd);
  return ansi === 'always' || (ansi === 'auto' && io.stdoutIsTTY?.() === true);
}

/**
 * Loads the project; `check` (e.g. what berth cannot apply yet) runs before the engine is
 * contacted. With `fileless`, a project name (-p or COMPOSE_PROJECT_NAME) and no Compose file to
 * be found, the project is known by its labels alone (`byLabels`), as docker compose allows for
 * down, ps, logs, stop...
 */
export async function openSession(cmd: Command, io: ComposeIO, opts: { check?: (project: Project) => void; fileless?: boolean } = {}): Promise<Session> {
  const globals = globalsOf(cmd);
  const labelsOnly = opts.fileless ? labelOnlyProject(globals, io) : undefined;
  let project: Project;
  if (labelsOnly) project = labelsOnly;
  else {
    const loaded = loadProject(loadOptionsFrom(globals, io, { discardEnvFiles: false }));
    for (const w of loaded.warnings) io.stderr(`WARN[0000] ${w}\n`);
    project = loaded.project;
  }
  opts.check?.(project);
  setParallelLimit(parallelLimit(globals.parallel ?? io.env().COMPOSE_PARALLEL_LIMIT));
  const { progress } = globals as { progress?: string };
  return { project, client: await connect(cmd), reporter: stderrReporter(io, progress, globals.ansi), byLabels: labelsOnly !== undefined };
}

function labelOnlyProject(g: ComposeGlobalOptions, io: ComposeIO): Project | undefined {
  const env = io.env();
  const name = g.projectName ?? env.COMPOSE_PROJECT_NAME;
  if (!name || g.file?.length || env.COMPOSE_FILE) return undefined;
  try {
    discoverComposeFiles({ configPaths: [], env: {}, cwd: io.cwd(), projectDirectory: g.projectDirectory ? resolve(io.cwd(), g.projectDirectory) : undefined });
    return undefined; // a file is there: load it
  } catch {
    // nothing to load: the project is what its labels say
  }
  return {
    name: normalizeProjectName(name), workingDir: io.cwd(), composeFiles: [], environment: {}, services: {}, disabledServices: {},
    networks: {}, volumes: {}, secrets: {}, configs: {}, extensions: {}, profiles: [],
  };
}

/** --parallel / COMPOSE_PARALLEL_LIMIT: an integer, -1 (the default) for unlimited. */
export function parallelLimit(value: string | undefined): number {
  if (value === undefined || value === '') return -1;
  if (!/^-?\d+$/.test(value)) throw invalidArgument(`invalid argument "${value}" for "--parallel" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** -t/--timeout: whole seconds. */
export function timeoutFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw invalidArgument(`invalid argument "${value}" for "-t, --timeout" flag: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/** --scale SERVICE=NUM (repeatable). */
export function scaleFlags(values: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const m = /^([^=]+)=(\d+)$/.exec(v);
    if (!m) throw invalidArgument(`invalid --scale "${v}": expected SERVICE=NUM`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

export const collect = (value: string, previous: string[] = []) => [...previous, value];

// A service's `develop.watch` rules, read and checked without touching anything: which host path
// is watched, what happens on a change (sync into the containers, rebuild the image, sync and
// restart, sync and exec, restart), where synced files land, and which paths are ignored.
import { isAbsolute, resolve } from 'node:path';
import { invalidArgument } from '../common/errors.js';
import type { Project, ServiceConfig } from '../compose/index.js';
import { DockerIgnore } from '../common/dockerignore.js';

export type WatchAction = 'sync' | 'rebuild' | 'sync+restart' | 'sync+exec' | 'restart';
const ACTIONS: readonly WatchAction[] = ['sync', 'rebuild', 'sync+restart', 'sync+exec', 'restart'];
const RULE_KEYS = new Set(['action', 'path', 'target', 'ignore', 'include', 'exec', 'initial_sync']);

export interface WatchRule {
  service: string;
  action: WatchAction;
  /** Absolute host path (a directory, or one file). */
  path: string;
  /** Absolute path in the container (sync actions). */
  target?: string;
  /** Patterns (.dockerignore syntax) relative to `path`, plus editors' temporary files. */
  ignore: DockerIgnore;
  /** sync+exec: the command run in each container after a sync. */
  exec?: { command: string[]; user?: string; workingDir?: string; environment?: Record<string, string> };
  /** Sync the whole path once when watching starts. */
  initialSync: boolean;
}

/** What editors and VCS leave behind: never synced, never a reason to rebuild (as Compose ignores them). */
const ALWAYS_IGNORED = ['.git', '**/.git', '**/*~', '**/.*.swp', '**/.*.swx', '**/*.swp', '**/.#*', '**/4913', '**/.DS_Store'];

function bad(service: string, i: number, what: string): never {
  throw invalidArgument(`service "${service}": develop.watch[${i}] ${what}`);
}

function commandOf(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return ['/bin/sh', '-c', v];
  return undefined;
}

/** The rules of one service; throws for what Compose would refuse. */
export function serviceWatchRules(project: Project, s: ServiceConfig): WatchRule[] {
  const develop = s.develop as { watch?: unknown } | undefined;
  if (develop === undefined || develop === null) return [];
  if (typeof develop !== 'object') throw invalidArgument(`service "${s.name}": develop must be a mapping`);
  for (const key of Object.keys(develop)) if (key !== 'watch') throw invalidArgument(`service "${s.name}": develop.${key} is not supported by berth compose yet`);
  if (develop.watch === undefined) return [];
  if (!Array.isArray(develop.watch)) throw invalidArgument(`service "${s.name}": develop.watch must be a list`);
  return develop.watch.map((raw: unknown, i): WatchRule => {
    if (!raw || typeof raw !== 'object') bad(s.name, i, 'must be a mapping');
    const r = raw as Record<string, unknown>;
    for (const key of Object.keys(r)) if (!RULE_KEYS.has(key)) bad(s.name, i, `has an unknown key "${key}"`);
    const action = r.action as WatchAction;
    if (!ACTIONS.includes(action)) bad(s.name, i, `has an invalid action "${String(r.action)}" (${ACTIONS.join(', ')})`);
    if (typeof r.path !== 'string' || !r.path) bad(s.name, i, 'needs a path');
    const path = isAbsolute(r.path) ? r.path : resolve(project.workingDir, r.path);
    const rule: WatchRule = { service: s.name, action, path, ignore: new DockerIgnore([...ALWAYS_IGNORED, ...stringList(r.ignore)].join('\n')), initialSync: r.initial_sync === true };
    if (action.startsWith('sync')) {
      if (typeof r.target !== 'string' || !r.target.startsWith('/')) bad(s.name, i, `(${action}) needs an absolute target path in the container`);
      rule.target = r.target;
    }
    if (r.include !== undefined) bad(s.name, i, 'include is not supported by berth compose yet');
    if (action === 'sync+exec') {
      const exec = r.exec as Record<string, unknown> | undefined;
      const command = commandOf(exec?.command);
      if (!command?.length) bad(s.name, i, '(sync+exec) needs exec.command');
      rule.exec = {
        command,
        user: typeof exec!.user === 'string' ? exec!.user : undefined,
        workingDir: typeof exec!.working_dir === 'string' ? exec!.working_dir : undefined,
        environment: exec!.environment && typeof exec!.environment === 'object' ? (exec!.environment as Record<string, string>) : undefined,
      };
    }
    if (action === 'rebuild' && !s.build) throw invalidArgument(`service "${s.name}" has no build section: develop.watch cannot rebuild it`);
    return rule;
  });
}

function stringList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The rules of the selected services (all when none are named); none at all is an error, as in Compose. */
export function projectWatchRules(project: Project, services: string[]): WatchRule[] {
  for (const n of services) if (!project.services[n]) throw invalidArgument(`no such service: ${n}`);
  const chosen = services.length ? services : Object.keys(project.services);
  const rules = chosen.flatMap((n) => serviceWatchRules(project, project.services[n]));
  if (!rules.length) throw invalidArgument("none of the selected services is configured for watch, consider setting a 'develop' section");
  return rules;
}

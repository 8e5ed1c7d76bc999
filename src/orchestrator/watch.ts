// `compose watch`: host paths watched with fs.watch; after a quiet moment, each service's batch of
// changes is applied as its rules say — files copied into every running container of the service
// (PUT archive; deletions by `rm -rf` through exec), then a restart or an exec where asked, or the
// image rebuilt and the service converged again (`up --build --no-deps SERVICE`). One batch at a
// time per service; a batch that fails is reported and the watch goes on, as Compose does.
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { dirname, join, posix, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { EngineClient } from '../api/client/index.js';
import { END_OF_ARCHIVE, entryHeader, padding } from '../api/client/tar-writer.js';
import type { Project } from '../compose/index.js';
import { listProjectContainers } from './lifecycle.js';
import type { Reporter } from './progress.js';
import { up, type UpOptions } from './up.js';
import type { WatchRule } from './watch-rules.js';

export interface WatchOptions {
  /** Compose's watch messages ("Syncing ...", "Rebuilding ..."). */
  log: (line: string) => void;
  /** Ends the watch. */
  signal: AbortSignal;
  /** How long changes must settle before a batch is applied. */
  quietMs?: number;
  /** Passed to the `up` a rebuild does (timeouts, build output, registry auth). */
  upOptions?: Partial<UpOptions>;
}

/** A changed host path and where it lands in the container (for sync rules). */
interface Change { rule: WatchRule; host: string; container?: string }

/** Watches until `signal` aborts. */
export async function watchProject(client: EngineClient, project: Project, rules: WatchRule[], opts: WatchOptions, reporter: Reporter): Promise<void> {
  const quietMs = opts.quietMs ?? 300;
  const pending = new Map<string, Map<string, Change>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const busy = new Map<string, Promise<void>>();

  const apply = (service: string) => {
    const batch = [...(pending.get(service)?.values() ?? [])];
    pending.delete(service);
    if (!batch.length) return;
    const prior = busy.get(service) ?? Promise.resolve();
    const next = prior.then(() => applyBatch(client, project, service, batch, opts, reporter)).catch((e: unknown) => {
      opts.log(`Error: ${service}: ${e instanceof Error ? e.message : String(e)}`);
    });
    busy.set(service, next);
  };

  const changed = (rule: WatchRule, host: string) => {
    const rel = relative(rule.path, host).split(sep).join('/');
    if (rel.startsWith('..')) return;
    if (rel && rule.ignore.ignores(rel)) return;
    const container = rule.target === undefined ? undefined : rel ? posix.join(rule.target, rel) : rule.target;
    let batch = pending.get(rule.service);
    if (!batch) pending.set(rule.service, (batch = new Map()));
    batch.set(`${rule.action} ${host}`, { rule, host, container });
    clearTimeout(timers.get(rule.service));
    timers.set(rule.service, setTimeout(() => apply(rule.service), quietMs));
  };

  const watchers: FSWatcher[] = [];
  try {
    for (const rule of rules) {
      const isDir = (await lstat(rule.path).catch(() => undefined))?.isDirectory() === true;
      // A file (or a path not there yet) is watched through its directory.
      const dir = isDir ? rule.path : dirname(rule.path);
      const w = fsWatch(dir, { recursive: isDir }, (_event, name) => {
        if (name === null) return;
        const host = join(dir, name.toString());
        if (!isDir && host !== rule.path) return;
        changed(rule, host);
      });
      w.on('error', (e) => opts.log(`Error: watching ${rule.path}: ${e.message}`));
      watchers.push(w);
    }
    for (const rule of rules.filter((r) => r.initialSync && r.target !== undefined)) {
      await applyBatch(client, project, rule.service, [{ rule, host: rule.path, container: rule.target }], { ...opts, log: () => undefined }, reporter);
    }
    opts.log('Watch enabled');
    await new Promise<void>((resolve) => {
      if (opts.signal.aborted) resolve();
      opts.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    for (const w of watchers) w.close();
    for (const t of timers.values()) clearTimeout(t);
    await Promise.all(busy.values());
  }
}

async function applyBatch(client: EngineClient, project: Project, service: string, batch: Change[], opts: WatchOptions, reporter: Reporter): Promise<void> {
  if (batch.some((c) => c.rule.action === 'rebuild')) {
    opts.log(`Rebuilding service "${service}" after changes were detected...`);
    await up(client, project, { ...opts.upOptions, services: [service], noDeps: true, build: 'always' }, reporter);
    opts.log(`service "${service}" successfully built`);
    return;
  }
  const containers = await listProjectContainers(client, project.name, { services: [service] });
  const syncs = batch.filter((c) => c.container !== undefined);
  if (syncs.length) {
    opts.log(syncs.length === 1 ? `Syncing service "${service}" after 1 change was detected` : `Syncing service "${service}" after ${syncs.length} changes were detected`);
    const present: Change[] = [];
    const gone: string[] = [];
    for (const c of syncs) {
      if (await lstat(c.host).catch(() => undefined)) present.push(c);
      else gone.push(c.container!);
    }
    await Promise.all(containers.map(async (ctr) => {
      if (gone.length) await execIn(client, ctr.Id, ['rm', '-rf', '--', ...gone]);
      if (present.length) await client.containers.putArchive(ctr.Id, '/', Readable.from(syncTar(present)));
    }));
  }
  const rules = new Set(batch.map((c) => c.rule));
  for (const rule of rules) {
    if (rule.action === 'sync+restart' || rule.action === 'restart') {
      opts.log(`Restarting service "${service}" after changes were detected`);
      await Promise.all(containers.map((ctr) => client.containers.restart(ctr.Id, {})));
    } else if (rule.action === 'sync+exec' && rule.exec) {
      const { command, user, workingDir, environment } = rule.exec;
      await Promise.all(containers.map((ctr) => execIn(client, ctr.Id, command, { user, workingDir, env: environment })));
    }
  }
}

/** Runs a command in a container and waits for it; a non-zero exit is an error. */
async function execIn(client: EngineClient, id: string, cmd: string[], o: { user?: string; workingDir?: string; env?: Record<string, string> } = {}): Promise<void> {
  const exec = await client.exec.create(id, {
    Cmd: cmd, AttachStdout: true, AttachStderr: true, User: o.user, WorkingDir: o.workingDir,
    Env: o.env ? Object.entries(o.env).map(([k, v]) => `${k}=${v}`) : undefined,
  });
  const stream = await client.exec.start(exec, { tty: false });
  for await (const chunk of stream.socket) void chunk;
  const { ExitCode } = await client.exec.inspect(exec);
  if (ExitCode) throw new Error(`${cmd.join(' ')} exited with code ${ExitCode}`);
}

/** A tar of the changed files at their container paths (directories with everything under them, ignores applied). */
async function* syncTar(changes: Change[]): AsyncGenerator<Buffer> {
  for (const c of changes) yield* entries(c.rule, c.host, c.container!);
  yield END_OF_ARCHIVE;
}

async function* entries(rule: WatchRule, host: string, target: string): AsyncGenerator<Buffer> {
  const st = await lstat(host).catch(() => undefined);
  if (!st) return;
  const name = target.replace(/^\/+/, '');
  const rel = relative(rule.path, host).split(sep).join('/');
  if (rel && !rel.startsWith('..') && rule.ignore.ignores(rel)) return;
  if (st.isDirectory()) {
    yield entryHeader({ name: `${name}/`, type: 'directory', mode: st.mode & 0o7777, mtime: st.mtime });
    for (const child of (await readdir(host)).sort()) yield* entries(rule, join(host, child), posix.join(target, child));
  } else if (st.isSymbolicLink()) {
    yield entryHeader({ name, type: 'symlink', mode: st.mode & 0o7777, mtime: st.mtime, linkname: await readlink(host) });
  } else if (st.isFile()) {
    // Read whole: sync copies source files, and a file that changes while it is read is synced again.
    const data = await readFile(host);
    yield entryHeader({ name, type: 'file', mode: st.mode & 0o7777, mtime: st.mtime, size: data.length });
    yield data;
    yield padding(data.length);
  }
}

// Starts a real berthd (dist/berthd.js) with its own temp data root, exec root and socket, and
// tears everything it made down again: the daemon, its containers (runtime state, monitors),
// mounts under its roots and the temp dirs. Integration and compat tests share it.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, closeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { hostNames } from '../../src/engine/network/names.js';
import { removeCgroupParent } from '../../src/engine/runtime/cgroups.js';

const REPO = resolve(import.meta.dirname, '../..');
const BERTHD = join(REPO, 'dist/berthd.js');
const BERTH = join(REPO, 'bin/berth');

export interface TestDaemon {
  socket: string;
  dockerHost: string;
  dataRoot: string;
  execRoot: string;
  /** The daemon's log file (JSON lines). */
  logFile: string;
  pid: number;
  /** Resolves with the exit code once the daemon process has exited (for tests that signal it). */
  exited(): Promise<number | null>;
  /** Stops berthd (SIGTERM, or the signal given, e.g. SIGKILL) and starts a new one on the same roots and socket. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export interface TestDaemonOptions {
  runtime?: 'auto' | 'runc' | 'crun';
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  extraArgs?: string[];
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** Rebuilds dist/ when any source file is newer than the bundle. */
export function ensureBuilt(): void {
  const newest = newestMtime(join(REPO, 'src'));
  const builtAt = () => (existsSync(BERTHD) ? statSync(BERTHD).mtimeMs : 0);
  if (builtAt() >= newest) return;
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
  // The CLI bundle may fail while others edit it; the daemon's bundle is what counts here.
  if (builtAt() < newest) throw new Error(`building dist/berthd.js failed:\n${r.stderr}${r.stdout}`);
}

/** One plain API request to a test daemon; the whole answer as text. */
export function daemonRequest(socket: string, method: string, path: string, body?: Buffer | string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method, path, headers: body ? { 'Content-Type': contentType } : {} }, (r) => {
      let text = '';
      r.on('data', (c: Buffer) => { text += c.toString(); });
      r.on('end', () => res({ status: r.statusCode ?? 0, body: text }));
    });
    req.on('error', rej);
    req.end(body);
  });
}

export function ping(socket: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolveP) => {
    const req = request({ socketPath: socket, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolveP(res.statusCode === 200);
    });
    req.on('error', () => resolveP(false));
    req.on('timeout', () => { req.destroy(); resolveP(false); });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** OCI runtime state roots under `dir`: directories whose children hold state.json. */
function runtimeRoots(dir: string, depth = 0, out: string[] = []): string[] {
  if (depth > 4) return out;
  let entries: string[];
  try { entries = readdirSync(dir); } catch { return out; }
  let isRoot = false;
  for (const name of entries) {
    const p = join(dir, name);
    let st;
    try { st = statSync(p); } catch { continue; }
    if (!st.isDirectory()) continue;
    if (existsSync(join(p, 'state.json'))) isRoot = true;
    else runtimeRoots(p, depth + 1, out);
  }
  if (isRoot) out.push(dir);
  return out;
}

/** Kills every process whose command line names `root` (monitors, container inits started from it). */
function killProcessesMentioning(root: string): void {
  const ancestors = new Set<number>();
  for (let p = process.pid; p > 1 && !ancestors.has(p);) {
    ancestors.add(p);
    try { p = Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]); } catch { break; }
  }
  for (const pid of readdirSync('/proc').filter((n) => /^[0-9]+$/.test(n))) {
    if (ancestors.has(Number(pid))) continue;
    let cmd = '';
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8'); } catch { continue; }
    if (cmd.includes(root)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

function unmountUnder(root: string): void {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => Boolean(p) && (p === root || p.startsWith(root + '/')))
    .map((p) => p.replace(/\\040/g, ' '))
    .sort((a, b) => b.length - a.length);
  for (const p of points) spawnSync('umount', ['-l', p]);
}

/** The daemon's bridges, veths and nft table: berthd keeps them at shutdown while containers run. */
function removeNetworkObjects(dataRoot: string): void {
  const n = hostNames(dataRoot);
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of links.matchAll(/^\d+: ([^:@\s]+)/gm)) {
    if (m[1].startsWith(n.bridgePrefix) || m[1].startsWith(n.vethPrefix)) spawnSync('ip', ['link', 'del', m[1]], { stdio: 'ignore' });
  }
  spawnSync('nft', ['delete', 'table', 'ip', n.table], { stdio: 'ignore' });
}

/** Removes every container berthd left under `root`, even when the daemon is gone. */
export function cleanupRoot(root: string): void {
  for (const rt of ['runc', 'crun']) {
    for (const stateRoot of runtimeRoots(root)) {
      const ids = readdirSync(stateRoot).filter((id) => existsSync(join(stateRoot, id, 'state.json')));
      for (const id of ids) {
        spawnSync(rt, ['--root', stateRoot, 'kill', id, 'KILL'], { stdio: 'ignore' });
        spawnSync(rt, ['--root', stateRoot, 'delete', '--force', id], { stdio: 'ignore' });
      }
    }
  }
  killProcessesMentioning(root);
  unmountUnder(root);
  removeNetworkObjects(join(root, 'data'));
  try {
    removeCgroupParent(join(root, 'data'));
  } catch {
    /* no cgroups made */
  }
}

export async function startTestDaemon(opts: TestDaemonOptions = {}): Promise<TestDaemon> {
  // BERTH_TEST_FROM_SOURCE=1 runs src/daemon/main.ts through tsx instead of the bundle.
  const fromSource = process.env.BERTH_TEST_FROM_SOURCE === '1';
  if (!fromSource) ensureBuilt();
  const root = mkdtempSync(join(tmpdir(), 'berth-test-'));
  const dataRoot = join(root, 'data');
  const execRoot = join(root, 'run');
  const socket = join(root, 'berth.sock');
  const logFile = join(root, 'berthd.log');
  const entry = fromSource ? ['--import', 'tsx', join(REPO, 'src/daemon/main.ts')] : [BERTHD];
  const args = [...entry, '--data-root', dataRoot, '--exec-root', execRoot, '-H', `unix://${socket}`,
    '--runtime', opts.runtime ?? (process.env.BERTH_TEST_RUNTIME as TestDaemonOptions['runtime']) ?? 'runc',
    '--log-level', opts.logLevel ?? 'debug', ...(opts.extraArgs ?? [])];
  let child: ChildProcess;
  let stopped = false;

  const halt = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited(child), sleep(5000)]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await halt();
    cleanupRoot(root);
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };

  /** Spawns berthd on this daemon's roots and waits for /_ping. */
  const launch = async () => {
    const fd = openSync(logFile, 'a');
    child = spawn(process.execPath, args, { stdio: ['ignore', fd, fd], cwd: REPO });
    closeSync(fd);
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        const log = tail(logFile);
        await stop();
        throw new Error(`berthd exited before answering (code ${child.exitCode}):\n${log}`);
      }
      if (existsSync(socket) && (await ping(socket))) break;
      if (Date.now() > deadline) {
        const log = tail(logFile);
        await stop();
        throw new Error(`berthd did not answer /_ping within 20s:\n${log}`);
      }
      await sleep(25);
    }
  };

  await launch();
  const daemon: TestDaemon = {
    socket, dockerHost: `unix://${socket}`, dataRoot, execRoot, logFile,
    get pid() { return child.pid ?? 0; },
    exited: () => exited(child).then(() => child.exitCode),
    restart: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (signal === 'SIGTERM') await halt();
      else {
        child.kill(signal);
        await exited(child);
      }
      await launch();
    },
    stop,
  };
  return daemon;
}

export interface CliResult { stdout: string; stderr: string; code: number | null }
export interface CliOptions { input?: string; env?: Record<string, string>; timeoutMs?: number }

/** Runs bin/berth ARGS as a child process against the engine at `host` (DOCKER_HOST). */
export function runBerth(host: string, args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, [BERTH, ...args], { env: { ...process.env, DOCKER_HOST: host, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveP({ stdout, stderr, code });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

export interface BerthCli {
  /** `berth ARGS` against the daemon: its output and exit code. */
  berth(args: string[], opts?: CliOptions): Promise<CliResult>;
  /** The same, asserting exit 0 (the message names the command and its stderr); trimmed stdout. */
  ok(args: string[], opts?: CliOptions): Promise<string>;
}

/** The berth CLI against a test daemon that a test's before() starts later (hence the getter). */
export function berthCli(daemon: () => TestDaemon): BerthCli {
  const berth = (args: string[], opts?: CliOptions) => runBerth(daemon().dockerHost, args, opts);
  return {
    berth,
    async ok(args, opts) {
      const r = await berth(args, opts);
      assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
      return r.stdout.trim();
    },
  };
}

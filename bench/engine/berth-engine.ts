// A private berthd for the benchmark, from a given build: by default this checkout's dist/
// (rebuilt when src/ is newer), or with --from-head a build of the last commit, exported to a temp
// dir, so that other people's uncommitted work in the tree cannot change what is measured.
import { execSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cleanupRoot, ensureBuilt, ping } from '../../test/helpers/daemon.js';
import { hostNames } from '../../src/engine/network/names.js';

const REPO = resolve(import.meta.dirname, '../..');

export interface BerthBuild { dir: string; commit: string; remove(): void }
export interface BerthEngine { host: string; socket: string; execRoot: string; logFile: string; pid: number; stop(): Promise<void> }

/** This checkout's build, or (fromHead) a build of `ref` (HEAD by default) in a temp dir. */
export function prepareBuild(fromHead: boolean, ref = 'HEAD'): BerthBuild {
  const commit = execSync(`git rev-parse --short ${ref}`, { cwd: REPO, encoding: 'utf8' }).trim();
  if (!fromHead) {
    ensureBuilt();
    const dirty = execSync('git status --porcelain -- src', { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return { dir: REPO, commit: dirty ? `${commit} + uncommitted src changes` : commit, remove: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-head-'));
  try {
    execSync(`git archive ${ref} | tar -x -C ${JSON.stringify(dir)}`, { cwd: REPO, stdio: 'ignore' });
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'));
    execSync(`${JSON.stringify(process.execPath)} scripts/build.mjs`, { cwd: dir, stdio: 'ignore' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, commit, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startBerthd(build: BerthBuild, logLevel: 'info' | 'debug'): Promise<BerthEngine> {
  const root = mkdtempSync(join(tmpdir(), 'bench-berthd-'));
  const socket = join(root, 'berth.sock');
  const execRoot = join(root, 'run');
  const logFile = join(root, 'berthd.log');
  mkdirSync(execRoot);
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [join(build.dir, 'dist/berthd.js'), '--data-root', join(root, 'data'), '--exec-root', execRoot,
    '-H', `unix://${socket}`, '--runtime', 'auto', '--log-level', logLevel], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    cleanupRoot(root); // runtime state, conmons, mounts, cgroups of this data root
    removeNetworkLeftovers(join(root, 'data'));
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  const deadline = Date.now() + 30_000;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`berthd did not start (see its log in ${logFile})`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { host: `unix://${socket}`, socket, execRoot, logFile, pid: child.pid ?? 0, stop };
}

/** Bridges, veths and the nftables table berthd names after this data root, if its shutdown left any. */
function removeNetworkLeftovers(dataRoot: string): void {
  const names = hostNames(dataRoot);
  const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const m of links.matchAll(/^\d+: ([^:@]+)/gm)) {
    if (m[1].startsWith(names.bridgePrefix) || m[1].startsWith(names.vethPrefix)) spawnSync('ip', ['link', 'delete', m[1]], { stdio: 'ignore' });
  }
  spawnSync('nft', ['delete', 'table', 'ip', names.table], { stdio: 'ignore' });
}

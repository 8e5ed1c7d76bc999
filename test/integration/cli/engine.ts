// The engine the CLI tests drive: berthd (test/helpers/daemon.ts) or a private dockerd, chosen by
// BERTH_TEST_ENGINE=berth|docker (default: berth, falling back to docker when berthd cannot start).
// Each engine gets temp roots and its own socket, a busybox image imported through `berth import`,
// and is torn down with everything it made. `berth()` runs bin/berth as a child process.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { cleanupRoot, ping, runBerth, startTestDaemon, type CliResult } from '../../helpers/daemon.js';

export { runBerth, type CliResult } from '../../helpers/daemon.js';

const REPO = resolve(import.meta.dirname, '../../..');
export const IMAGE = 'busybox:latest';

export interface CliEngine {
  kind: 'berth' | 'docker';
  host: string;
  stop(): Promise<void>;
  /** Runs `berth ARGS` against this engine. */
  berth(args: string[], opts?: { input?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<CliResult>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function buildOnce(): void {
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

async function startDockerd(): Promise<{ host: string; stop(): Promise<void> }> {
  if (spawnSync('which', ['dockerd']).status !== 0) throw new Error('dockerd is not installed');
  const root = mkdtempSync(join(tmpdir(), 'bcli-dockerd-'));
  const socket = join(root, 'docker.sock');
  const log = openSync(join(root, 'dockerd.log'), 'a');
  const child: ChildProcess = spawn('dockerd', [
    '--data-root', join(root, 'data'), '--exec-root', join(root, 'exec'), '-H', `unix://${socket}`, '--pidfile', join(root, 'dockerd.pid'),
    '--iptables=false', '--ip6tables=false', '--bridge=none', '--userland-proxy=false',
  ], { stdio: ['ignore', log, log] });
  closeSync(log);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited; }
    }
    cleanupRoot(root);
    rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  };
  const deadline = Date.now() + 30_000;
  while (!(existsSync(socket) && (await ping(socket)))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = readFileSync(join(root, 'dockerd.log'), 'utf8').split('\n').slice(-10).join('\n');
      await stop();
      throw new Error(`dockerd did not start:\n${text}`);
    }
    await sleep(100);
  }
  return { host: `unix://${socket}`, stop };
}

/** Starts the chosen engine with the busybox image, or returns why the tests must be skipped. */
export async function startEngine(): Promise<CliEngine | string> {
  if (process.getuid?.() !== 0) return 'CLI integration tests need root';
  const wanted = process.env.BERTH_TEST_ENGINE;
  buildOnce();
  const attempts: ('berth' | 'docker')[] = wanted === 'docker' ? ['docker'] : wanted === 'berth' ? ['berth'] : ['berth', 'docker'];
  const reasons: string[] = [];
  for (const kind of attempts) {
    let started: { host: string; stop(): Promise<void> };
    try {
      started = kind === 'berth' ? await startTestDaemon().then((d) => ({ host: d.dockerHost, stop: d.stop })) : await startDockerd();
    } catch (e) {
      reasons.push(`${kind}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const engine: CliEngine = { kind, host: started.host, stop: started.stop, berth: (args, opts) => runBerth(started.host, args, opts) };
    const tar = makeBusyboxTar();
    const imported = await engine.berth(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE]);
    rmSync(resolve(tar, '..'), { recursive: true, force: true });
    if (imported.code !== 0) {
      reasons.push(`${kind}: importing busybox failed: ${imported.stderr.trim()}`);
      await started.stop();
      continue;
    }
    if (kind !== attempts[0]) process.stderr.write(`# CLI tests fell back to ${kind} (${reasons.join('; ')})\n`);
    return engine;
  }
  return `no engine available (${reasons.join('; ')})`;
}

// The engines the orchestrator tests run `bin/berth compose` against, one after the other: berthd
// (a test daemon) always, and a throwaway Debian dockerd (own containerd, roots and socket under
// /tmp, --iptables=false) when docker.io is installed, so that every test shows berthd and Docker
// giving the same results (Docker's behaviour is the spec). BERTH_ORCH_ENGINE=berthd|dockerd runs
// one only. Both get a busybox image imported from busybox-static; `stop()` removes everything.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EngineClient } from '../../../src/api/client/index.js';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../helpers/busybox.js';
import { ensureBuilt, startTestDaemon } from '../../helpers/daemon.js';
import { dockerdAvailable, startDockerd } from '../images/dockerd.js';

const REPO = resolve(import.meta.dirname, '../../..');
export const BERTH = join(REPO, 'bin/berth');
export const IMAGE = 'busybox:latest';

export interface Engine {
  kind: 'berthd' | 'dockerd';
  host: string;
  client: EngineClient;
  stop(): Promise<void>;
}

export type EngineKind = Engine['kind'];

export interface RunResult { code: number; stdout: string; stderr: string }

/** No single `berth` call in these tests needs more: one that does is stuck and is killed. */
const COMMAND_TIMEOUT_MS = 90_000;

/**
 * Runs `bin/berth` with DOCKER_HOST pointing at the engine. A command still running after
 * `timeoutMs` is killed and reported (code -1, stderr says so) instead of hanging the suite.
 */
export function berth(host: string, args: string[], cwd: string, env: Record<string, string> = {}, timeoutMs = COMMAND_TIMEOUT_MS): Promise<RunResult> {
  return new Promise((resolveP, reject) => {
    const child = spawn(BERTH, args, { cwd, env: { ...process.env, DOCKER_HOST: host, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      stderr += `\n[test] berth ${args.join(' ')} still running after ${timeoutMs / 1000} s: killed\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => { clearTimeout(timer); resolveP({ code: code ?? -1, stdout, stderr }); });
  });
}

/** The engines to run the suites on: berthd, then dockerd (skipped with the reason when absent). */
export function engineKinds(): EngineKind[] {
  const only = process.env.BERTH_ORCH_ENGINE;
  if (only === 'berthd' || only === 'dockerd') return [only];
  return ['berthd', 'dockerd'];
}

/** A whole test file's worth of time on one engine; a test that outlives it fails loudly. */
export const SUITE_TIMEOUT_MS = 240_000;

async function importBusybox(host: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'orch-bb-'));
  try {
    const tar = makeBusyboxTar(join(dir, 'busybox.tar'));
    const r = await berth(host, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMAGE], dir);
    if (r.code !== 0) throw new Error(`importing busybox failed: ${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts an engine of that kind with busybox imported, or says why it cannot (the tests skip). */
export async function startEngine(kind: EngineKind): Promise<Engine | string> {
  ensureBuilt();
  if (kind === 'dockerd') {
    const missing = dockerdAvailable();
    return missing ? `no Docker engine to compare with: ${missing}` : startDockerEngine();
  }
  const berthd = await startTestDaemon({ runtime: 'runc' });
  const client = EngineClient.fromHost(berthd.dockerHost);
  const stop = async () => { client.close(); await berthd.stop(); };
  try {
    await importBusybox(berthd.dockerHost);
  } catch (e) {
    await stop();
    throw e;
  }
  return { kind: 'berthd', host: berthd.dockerHost, client, stop };
}

async function startDockerEngine(): Promise<Engine> {
  const dockerd = await startDockerd();
  const client = EngineClient.fromHost(dockerd.host);
  const stop = async () => {
    client.close();
    await dockerd.stop();
    rmSync(dockerd.dir, { recursive: true, force: true });
  };
  try {
    await importBusybox(dockerd.host);
  } catch (e) {
    await stop();
    throw e;
  }
  return { kind: 'dockerd', host: dockerd.host, client, stop };
}

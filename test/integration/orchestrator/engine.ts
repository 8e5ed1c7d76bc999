// The engine the orchestrator tests run `bin/berth compose` against: a throwaway Debian dockerd
// (own containerd, roots and socket under /tmp, --iptables=false) when docker.io is installed,
// else berthd when it can create networks and volumes, else none (the tests skip with the reason).
// Both get a busybox image imported from busybox-static; `stop()` stops and removes everything.
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

export interface RunResult { code: number; stdout: string; stderr: string }

/** Runs `bin/berth` with DOCKER_HOST pointing at the engine. */
export function berth(host: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolveP, reject) => {
    const child = spawn(BERTH, args, { cwd, env: { ...process.env, DOCKER_HOST: host, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolveP({ code: code ?? -1, stdout, stderr }));
  });
}

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

/** Can this engine create (and remove) a bridge network and a named volume? */
async function canNetworkAndVolume(client: EngineClient): Promise<boolean> {
  try {
    const { Id } = await client.networks.create({ Name: `orch-probe-${process.pid}` });
    await client.networks.remove(Id);
    const v = await client.volumes.create({ Name: `orch-probe-${process.pid}` });
    await client.volumes.remove(v.Name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Docker's behaviour is the spec, so a real dockerd is preferred when Debian's docker.io is there;
 * berthd otherwise, or always with BERTH_ORCH_ENGINE=berthd (to see how far berthd matches).
 */
export async function startEngine(): Promise<Engine | string> {
  ensureBuilt();
  const missing = dockerdAvailable();
  if (!missing && process.env.BERTH_ORCH_ENGINE !== 'berthd') return startDockerEngine();
  const berthd = await startTestDaemon({ runtime: 'runc' });
  const bclient = EngineClient.fromHost(berthd.dockerHost);
  if (await canNetworkAndVolume(bclient)) {
    await importBusybox(berthd.dockerHost);
    return { kind: 'berthd', host: berthd.dockerHost, client: bclient, stop: async () => { bclient.close(); await berthd.stop(); } };
  }
  bclient.close();
  await berthd.stop();
  if (missing) return `berthd cannot create networks and volumes yet and ${missing}`;
  return startDockerEngine();
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

// A berthd of its own with the busybox image, for the supervision tests (health, restart policies,
// self-healing). Everything it made goes with stop(), even when a test fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { EngineClient } from '../../../src/api/client/index.js';
import type { ContainerCreateBody, ContainerInspect } from '../../../src/api/client/types.js';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { runBerth } from '../cli/engine.js';

export interface Fixture {
  daemon: TestDaemon;
  client: EngineClient;
  /** Creates and starts a busybox container (network none) and returns its id. */
  run(cmd: string[], extra?: Partial<ContainerCreateBody>, name?: string): Promise<string>;
  inspect(id: string): Promise<ContainerInspect & Record<string, any>>;
  stop(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const SECOND = 1_000_000_000;

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes (then the last value is returned). */
export async function until<T>(fn: () => Promise<T>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}

export async function openFixture(): Promise<Fixture> {
  const daemon = await startTestDaemon({ runtime: 'runc', logLevel: 'info' });
  const dir = mkdtempSync(join(tmpdir(), 'berth-supervision-'));
  try {
    const r = await runBerth(daemon.dockerHost, ['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, makeBusyboxTar(join(dir, 'bb.tar')), 'busybox:latest']);
    if (r.code !== 0) throw new Error(`import failed: ${r.stderr}`);
  } catch (e) {
    await daemon.stop();
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const client = EngineClient.fromHost(daemon.dockerHost);
  return {
    daemon,
    client,
    async run(cmd, extra = {}, name) {
      const { Id } = await client.containers.create({ Image: 'busybox:latest', Cmd: cmd, ...extra, HostConfig: { NetworkMode: 'none', ...(extra.HostConfig ?? {}) } }, { name });
      await client.containers.start(Id);
      return Id;
    },
    inspect: (id) => client.containers.inspect(id) as Promise<ContainerInspect & Record<string, any>>,
    stop: () => daemon.stop(),
  };
}

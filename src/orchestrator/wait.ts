// Waiting for a dependency: started, healthy (the healthcheck reported healthy) or completed
// successfully (exited 0). Errors name the container and why, in docker compose's words.
import type { EngineClient } from '../api/client/index.js';
import type { DependsOn } from '../compose/index.js';
import { failedPrecondition } from '../common/errors.js';
import type { Reporter } from './progress.js';

const POLL_MS = 500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Started { id: string; name: string }

/** Resolves once `c` is healthy; throws when it turns unhealthy, exits, or has no healthcheck. */
export async function waitHealthy(client: EngineClient, c: Started, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const info = await client.containers.inspect(c.id);
    const health = info.State.Health?.Status;
    // Configured but not reported yet (an engine may fill State.Health only after the first probe): still starting.
    const test = info.Config.Healthcheck?.Test;
    const configured = test !== undefined && test.length > 0 && test[0] !== 'NONE';
    if (!health && !configured) throw failedPrecondition(`container ${c.name} has no healthcheck configured`);
    // Exited first, as Compose checks: a stopped container's health reads "unhealthy" too, and
    // its exit code says more.
    if (!info.State.Running && !info.State.Restarting) throw failedPrecondition(`dependency failed to start: container ${c.name} exited (${info.State.ExitCode})`);
    if (health === 'healthy') return;
    if (health === 'unhealthy') throw failedPrecondition(`dependency failed to start: container ${c.name} is unhealthy`);
    if (signal?.aborted) throw failedPrecondition(String(signal.reason ?? `gave up waiting for container ${c.name}`));
    await sleep(POLL_MS);
  }
}

/** Resolves once `c` is running (or, with a healthcheck, healthy): what `up --wait` asks. */
export async function waitRunningOrHealthy(client: EngineClient, c: Started, signal?: AbortSignal): Promise<'running' | 'healthy'> {
  const info = await client.containers.inspect(c.id);
  const test = info.Config.Healthcheck?.Test;
  if (info.State.Health?.Status || (test !== undefined && test.length > 0 && test[0] !== 'NONE')) {
    await waitHealthy(client, c, signal);
    return 'healthy';
  }
  if (!info.State.Running) throw failedPrecondition(`container ${c.name} exited (${info.State.ExitCode})`);
  return 'running';
}

export async function waitCompleted(client: EngineClient, service: string, c: Started): Promise<void> {
  const { StatusCode } = await client.containers.wait(c.id);
  if (StatusCode !== 0) throw failedPrecondition(`service "${service}" didn't complete successfully: exit ${StatusCode}`);
}

/** Waits until every container of dependency `service` meets `dep.condition`. */
export async function waitForDependency(client: EngineClient, service: string, dep: DependsOn, containers: Started[], reporter: Reporter): Promise<void> {
  if (dep.condition === 'service_started') return;
  await Promise.all(containers.map(async (c) => {
    reporter.event({ resource: 'Container', name: c.name, status: 'Waiting' });
    try {
      if (dep.condition === 'service_healthy') await waitHealthy(client, c);
      else await waitCompleted(client, service, c);
    } catch (e) {
      reporter.event({ resource: 'Container', name: c.name, status: 'Error' });
      throw e;
    }
    reporter.event({ resource: 'Container', name: c.name, status: dep.condition === 'service_healthy' ? 'Healthy' : 'Exited' });
  }));
}

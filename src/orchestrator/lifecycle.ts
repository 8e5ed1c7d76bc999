// start, stop, restart, rm and the container listing for ps/logs: act on the containers a project
// already has, selected by service, in dependency order (stop and rm in reverse).
import type { ContainerSummary, EngineClient } from '../api/client/index.js';
import { failedPrecondition, invalidArgument } from '../common/errors.js';
import type { Project } from '../compose/index.js';
import { removeContainer, startContainer, stopContainer } from './container-ops.js';
import { walkServices } from './walk.js';
import { startOrder } from './graph.js';
import { LABEL, projectFilter } from './labels.js';
import { observeContainer, type ObservedContainer } from './observed.js';
import type { Reporter } from './progress.js';

function checkServices(project: Project, services: string[]): void {
  for (const s of services) if (!project.services[s] && !project.disabledServices[s]) throw invalidArgument(`no such service: ${s}`);
}

/** The project's service containers (one-offs only when asked), as the engine lists them. */
export async function listProjectContainers(
  client: EngineClient, project: string, opts: { all?: boolean; services?: string[]; oneOffs?: boolean } = {},
): Promise<ContainerSummary[]> {
  const list = await client.containers.list({ all: opts.all, filters: projectFilter(project) });
  const wanted = opts.services?.length ? new Set(opts.services) : undefined;
  return list.filter((c) => (opts.oneOffs || c.Labels?.[LABEL.oneoff] !== 'True') && (!wanted || wanted.has(c.Labels?.[LABEL.service] ?? '')));
}

/** Selected services' containers, in start order (or reverse), by number. */
async function ordered(client: EngineClient, project: Project, services: string[], reverse: boolean): Promise<ObservedContainer[]> {
  checkServices(project, services);
  const order = startOrder(project);
  if (reverse) order.reverse();
  const rank = new Map(order.map((s, i) => [s, i]));
  const list = (await listProjectContainers(client, project.name, { all: true, services })).map(observeContainer);
  return list.sort((a, b) => (rank.get(a.service) ?? order.length) - (rank.get(b.service) ?? order.length) || a.number - b.number);
}

export async function startServices(client: EngineClient, project: Project, services: string[], reporter: Reporter): Promise<void> {
  await walkServices(project, await ordered(client, project, services, false), false, async (c) => {
    if (c.state !== 'running') await startContainer(client, c, reporter);
  });
}

export async function stopServices(client: EngineClient, project: Project, services: string[], timeout: number | undefined, reporter: Reporter): Promise<void> {
  await walkServices(project, await ordered(client, project, services, true), true, async (c) => {
    if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting') await stopContainer(client, c, timeout, reporter);
  });
}

export async function restartServices(client: EngineClient, project: Project, services: string[], timeout: number | undefined, reporter: Reporter): Promise<void> {
  await walkServices(project, await ordered(client, project, services, false), false, async (c) => {
    reporter.event({ resource: 'Container', name: c.name, status: 'Restarting' });
    await client.containers.restart(c.id, { timeout });
    reporter.event({ resource: 'Container', name: c.name, status: 'Started' });
  });
}

/** `rm`: stopped containers only, unless `stop` (-s) stops them first. Returns the ones removed. */
export async function removeServices(
  client: EngineClient, project: Project, services: string[], opts: { stop?: boolean; volumes?: boolean; timeout?: number }, reporter: Reporter,
): Promise<ObservedContainer[]> {
  const list = await ordered(client, project, services, true);
  if (opts.stop) {
    await walkServices(project, list, true, async (c) => {
      if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting') await stopContainer(client, c, opts.timeout, reporter);
    });
  }
  const stopped = opts.stop ? list : list.filter((c) => c.state !== 'running' && c.state !== 'paused' && c.state !== 'restarting');
  await walkServices(project, stopped, true, (c) => removeContainer(client, c, opts.volumes === true, reporter));
  return stopped;
}

/** `kill`: signal the running containers of the selected services (SIGKILL by default). */
export async function killServices(client: EngineClient, project: Project, services: string[], signal: string | undefined, reporter: Reporter): Promise<void> {
  const running = (await ordered(client, project, services, true)).filter((c) => c.state === 'running');
  await Promise.all(running.map(async (c) => {
    reporter.event({ resource: 'Container', name: c.name, status: 'Killing' });
    await client.containers.kill(c.id, { signal });
    reporter.event({ resource: 'Container', name: c.name, status: 'Killed' });
  }));
}

/** `pause` / `unpause` the running (or paused) containers of the selected services. */
export async function pauseServices(client: EngineClient, project: Project, services: string[], pause: boolean, reporter: Reporter): Promise<void> {
  const list = (await ordered(client, project, services, pause)).filter((c) => c.state === (pause ? 'running' : 'paused'));
  await Promise.all(list.map(async (c) => {
    reporter.event({ resource: 'Container', name: c.name, status: pause ? 'Pausing' : 'Unpausing' });
    if (pause) await client.containers.pause(c.id);
    else await client.containers.unpause(c.id);
    reporter.event({ resource: 'Container', name: c.name, status: pause ? 'Paused' : 'Unpaused' });
  }));
}

/** Container `index` (its container-number) of `service`, running: what exec and port act on. */
export async function serviceContainer(client: EngineClient, project: Project, service: string, index = 1): Promise<ContainerSummary> {
  checkServices(project, [service]);
  const list = await listProjectContainers(client, project.name, { services: [service] });
  const found = list.find((c) => Number(c.Labels?.[LABEL.number]) === index);
  if (!found) throw failedPrecondition(`service "${service}" is not running${index !== 1 ? ` (no container number ${index})` : ''}`);
  return found;
}

// One container's lifecycle steps through the API client, each reported as docker compose reports
// it (Creating/Created, Starting/Started, Stopping/Stopped, Removing/Removed).
import { compareVersions, type EngineClient } from '../api/client/index.js';
import { isBerthError } from '../common/errors.js';
import type { Project } from '../compose/index.js';
import { buildCreateRequest } from './create-body.js';
import type { Reporter } from './progress.js';

export interface Made { id: string; name: string; service: string; number: number }

/** Creates (not starts) container `number` of `service`, joined to all its networks. */
export async function createContainer(
  client: EngineClient, project: Project, service: string, number: number, hash: string, imageId: string | undefined, reporter: Reporter,
  announce = true, inheritVolumes: { name: string; destination: string }[] = [],
): Promise<Made> {
  const allNetworksAtCreate = compareVersions(await client.apiVersion(), '1.44') >= 0;
  const req = buildCreateRequest(project, project.services[service], { number, configHash: hash, imageId, inheritVolumes, allNetworksAtCreate });
  if (announce) reporter.event({ resource: 'Container', name: req.name, status: 'Creating' });
  const { Id } = await client.containers.create(req.body, { name: req.name });
  try {
    for (const extra of req.extraNetworks) await client.networks.connect(extra.network, Id, extra.endpoint);
  } catch (e) {
    await client.containers.remove(Id, { force: true }).catch(() => undefined);
    throw e;
  }
  if (announce) reporter.event({ resource: 'Container', name: req.name, status: 'Created' });
  return { id: Id, name: req.name, service, number };
}

export async function startContainer(client: EngineClient, c: { id: string; name: string }, reporter: Reporter): Promise<void> {
  reporter.event({ resource: 'Container', name: c.name, status: 'Starting' });
  await client.containers.start(c.id);
  reporter.event({ resource: 'Container', name: c.name, status: 'Started' });
}

export async function stopContainer(client: EngineClient, c: { id: string; name: string }, timeout: number | undefined, reporter: Reporter): Promise<void> {
  reporter.event({ resource: 'Container', name: c.name, status: 'Stopping' });
  await client.containers.stop(c.id, { timeout });
  reporter.event({ resource: 'Container', name: c.name, status: 'Stopped' });
}

export async function removeContainer(client: EngineClient, c: { id: string; name: string }, volumes: boolean, reporter: Reporter): Promise<void> {
  reporter.event({ resource: 'Container', name: c.name, status: 'Removing' });
  try {
    await client.containers.remove(c.id, { force: true, volumes });
  } catch (e) {
    if (!isBerthError(e, 'not_found')) throw e; // already gone: the goal is met
  }
  reporter.event({ resource: 'Container', name: c.name, status: 'Removed' });
}

/**
 * Replaces a container whose configuration diverged: the old one is stopped and renamed out of
 * the way, the new one created under the name, then the old one removed (docker compose's order,
 * so a failed create leaves the old container in place).
 */
export async function recreateContainer(
  client: EngineClient, project: Project, old: { id: string; name: string }, service: string, number: number, hash: string,
  imageId: string | undefined, timeout: number | undefined, reporter: Reporter, renewAnonymousVolumes = false,
): Promise<Made> {
  reporter.event({ resource: 'Container', name: old.name, status: 'Recreate' });
  // Anonymous volumes (no name of the project's) carry over, unless -V asks for new ones.
  const named = new Set(Object.values(project.volumes).map((v) => v.name));
  const inherit = renewAnonymousVolumes ? [] : (await client.containers.inspect(old.id)).Mounts
    .filter((m) => m.Type === 'volume' && m.Name && !named.has(m.Name))
    .map((m) => ({ name: m.Name!, destination: m.Destination }));
  await client.containers.stop(old.id, { timeout });
  await client.containers.rename(old.id, `${old.id.slice(0, 12)}_${old.name}`);
  let made: Made;
  try {
    made = await createContainer(client, project, service, number, hash, imageId, reporter, false, inherit);
  } catch (e) {
    await client.containers.rename(old.id, old.name).catch(() => undefined);
    throw e;
  }
  await client.containers.remove(old.id, { force: true });
  reporter.event({ resource: 'Container', name: made.name, status: 'Recreated' });
  return made;
}

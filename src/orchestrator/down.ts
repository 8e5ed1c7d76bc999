// `down`: stop and remove the project's containers (dependents first), then its networks and,
// with -v, its named volumes and the containers' anonymous volumes. External resources stay.
import type { EngineClient } from '../api/client/index.js';
import { isBerthError } from '../common/errors.js';
import type { Project } from '../compose/index.js';
import { removeContainer, stopContainer } from './container-ops.js';
import { observeProject } from './engine-state.js';
import { projectFilter } from './labels.js';
import { walkServices } from './walk.js';
import { planDown, type DownPlan } from './plan.js';
import type { Reporter } from './progress.js';

export interface DownOptions {
  removeOrphans?: boolean;
  volumes?: boolean;
  timeout?: number;
  /**
   * No Compose file (only a project name): everything labelled with the project goes — its
   * containers, networks and, with `volumes`, volumes — as `docker compose -p NAME down` does.
   */
  byLabels?: boolean;
  /** --rmi: `all` removes the images the services use; `local` those without a custom tag (built ones). */
  rmi?: 'local' | 'all';
}

export async function down(client: EngineClient, project: Project, opts: DownOptions, reporter: Reporter): Promise<DownPlan> {
  const plan = planDown(project, await observeProject(client, project.name), { ...opts, removeOrphans: opts.removeOrphans || opts.byLabels });
  if (opts.byLabels) {
    const label = projectFilter(project.name).label;
    plan.networks = (await client.networks.list({ label })).map((n) => n.Name);
    plan.volumes = opts.volumes ? (await client.volumes.list({ label })).map((v) => v.Name) : [];
  }
  if (plan.orphans.length) {
    reporter.warn(`Found orphan containers ([${plan.orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  await walkServices(project, plan.containers, true, async (c) => {
    if (c.state === 'running' || c.state === 'paused' || c.state === 'restarting') await stopContainer(client, c, opts.timeout, reporter);
    await removeContainer(client, c, opts.volumes === true, reporter);
  });
  for (const name of plan.networks) {
    reporter.event({ resource: 'Network', name, status: 'Removing' });
    await ignoreMissing(client.networks.remove(name));
    reporter.event({ resource: 'Network', name, status: 'Removed' });
  }
  for (const name of plan.volumes) {
    reporter.event({ resource: 'Volume', name, status: 'Removing' });
    try {
      await ignoreMissing(client.volumes.remove(name));
      reporter.event({ resource: 'Volume', name, status: 'Removed' });
    } catch (e) {
      // Another container (of another project, say) still uses it: Compose warns and goes on.
      if (!isBerthError(e, 'conflict')) throw e;
      reporter.event({ resource: 'Volume', name, status: 'Resource is still in use' });
    }
  }
  for (const image of imagesToRemove(project, opts.rmi)) {
    reporter.event({ resource: 'Image', name: image, status: 'Removing' });
    try {
      await client.images.remove(image);
      reporter.event({ resource: 'Image', name: image, status: 'Removed' });
    } catch (e) {
      if (isBerthError(e, 'not_found')) reporter.event({ resource: 'Image', name: image, status: 'Warning: No resource found to remove' });
      else if (isBerthError(e, 'conflict')) reporter.event({ resource: 'Image', name: image, status: 'Resource is still in use' });
      else throw e;
    }
  }
  if (!plan.containers.length && !plan.networks.length && !plan.volumes.length) {
    reporter.warn(`No resource found to remove for project "${project.name}".`);
  }
  return plan;
}

async function ignoreMissing(p: Promise<void>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!isBerthError(e, 'not_found')) throw e;
  }
}

/** Images `down --rmi` removes: every service's (`all`), or only the ones Compose names itself (`local`). */
export function imagesToRemove(project: Project, rmi: DownOptions['rmi']): string[] {
  if (!rmi) return [];
  const out = new Set<string>();
  for (const s of Object.values(project.services)) {
    if (rmi === 'all' && s.image) out.add(s.image);
    if (!s.image && s.build) out.add(`${project.name}-${s.name}`);
  }
  return [...out].sort();
}

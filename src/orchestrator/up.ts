// `up` and `create`: converge a project on an engine. Plan first (pure), then: images, networks
// and volumes, orphans, then each service created after its dependencies' containers exist and
// started once its dependencies' conditions hold. Independent services proceed in parallel.
import type { EngineClient } from '../api/client/index.js';
import type { Project } from '../compose/index.js';
import { createContainer, recreateContainer, removeContainer, startContainer, stopContainer, type Made } from './container-ops.js';
import { observeProject } from './engine-state.js';
import { dependenciesOf } from './graph.js';
import { planUp, withDependencies, type UpPlan, type UpPlanOptions } from './plan.js';
import { checkSupported } from './create-body.js';
import { withImageNames } from './build.js';
import { ensureImages, type UpImageOptions } from './up-images.js';
import type { Reporter } from './progress.js';
import { networkCreateBody, volumeCreateBody } from './resources.js';
import { waitForDependency, waitRunningOrHealthy } from './wait.js';
import { limited } from './parallel.js';

export interface UpOptions extends UpPlanOptions, UpImageOptions {
  /** --no-start: create only (also what `create` does). */
  noStart?: boolean;
  /** --wait: return once every container is running or healthy. */
  wait?: boolean;
  /** --wait-timeout: seconds --wait may take. */
  waitTimeout?: number;
  /** -t: seconds to wait for a container to stop before killing it. */
  timeout?: number;
  /** -V: recreated containers get new anonymous volumes instead of their predecessors'. */
  renewAnonymousVolumes?: boolean;
}

export interface UpResult {
  plan: UpPlan;
  /** The containers of the converged services, by service, as they are now. */
  containers: Record<string, Made[]>;
}

/**
 * Creates then starts each service: a service is created once its dependencies are created, and
 * started once it is created and its dependencies are started, so that independent services move
 * through both steps side by side and the engine starts the first containers while the last are
 * still being created. The first error wins; after it, no start begins.
 */
async function createThenStart(project: Project, order: string[], create: (service: string) => Promise<void>, start?: (service: string) => Promise<void>): Promise<void> {
  const created = new Map<string, Promise<void>>();
  const started = new Map<string, Promise<void>>();
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    throw error;
  };
  for (const service of order) {
    const deps = dependenciesOf(project, service).filter((d) => order.includes(d));
    const made = Promise.all(deps.map((d) => created.get(d))).then(() => create(service)).catch(fail);
    created.set(service, made);
    if (start) {
      started.set(service, Promise.all([made, ...deps.map((d) => started.get(d))]).then(() => {
        if (failure) throw failure.error;
        return start(service);
      }).catch(fail));
    }
  }
  await Promise.allSettled([...created.values(), ...started.values()]);
  if (failure) throw failure.error;
}

/**
 * Refuses, before anything is touched, what berth cannot apply yet in the services `up` would
 * converge and the networks and volumes it would create.
 */
export function checkProject(project: Project, services: string[] = []): void {
  for (const name of withDependencies(project, services)) checkSupported(project.services[name]);
  for (const [key, n] of Object.entries(project.networks)) if (!n.external) networkCreateBody(project, key, n);
  for (const [key, v] of Object.entries(project.volumes)) if (!v.external) volumeCreateBody(project, key, v);
}

/** Creates the networks and volumes a plan says are missing. */
export async function createResources(client: EngineClient, project: Project, plan: Pick<UpPlan, 'networks' | 'volumes'>, reporter: Reporter): Promise<void> {
  // All at once: they do not depend on each other.
  await Promise.all([
    ...plan.networks.filter((s) => s.create).map(async (n) => {
      reporter.event({ resource: 'Network', name: n.name, status: 'Creating' });
      await client.networks.create(networkCreateBody(project, n.key, project.networks[n.key]));
      reporter.event({ resource: 'Network', name: n.name, status: 'Created' });
    }),
    ...plan.volumes.filter((s) => s.create).map(async (v) => {
      reporter.event({ resource: 'Volume', name: v.name, status: 'Creating' });
      await client.volumes.create(volumeCreateBody(project, v.key, project.volumes[v.key]));
      reporter.event({ resource: 'Volume', name: v.name, status: 'Created' });
    }),
  ]);
}

export async function up(client: EngineClient, given: Project, opts: UpOptions, reporter: Reporter): Promise<UpResult> {
  // Build-only services run `<project>-<service>` images, as Compose names them.
  const project = withImageNames(given);
  checkProject(project, opts.services);
  const observed = await observeProject(client, project.name);
  // Plan once without image ids to learn which services take part, pull and build what they need, then resolve their images.
  const order = planUp(project, observed, opts).order;
  const ids = await ensureImages(client, given, project, order, opts, reporter);
  const plan = planUp(project, observed, { ...opts, imageIds: ids });

  for (const w of plan.warnings) reporter.warn(w);
  if (plan.orphans.length && !opts.removeOrphans) {
    reporter.warn(`Found orphan containers ([${plan.orphans.map((c) => c.name).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`);
  }
  await createResources(client, project, plan, reporter);
  if (opts.removeOrphans) {
    await Promise.all(plan.orphans.map((c) => limited(async () => {
      if (c.state === 'running') await stopContainer(client, c, opts.timeout, reporter);
      await removeContainer(client, c, false, reporter);
    })));
  }

  // Create phase: what each service's containers become; `toStart` are those the start phase starts.
  const containers: Record<string, Made[]> = {};
  const toStart: Record<string, Made[]> = {};
  const toRestart: Record<string, Made[]> = {};
  const createService = async (service: string) => {
    const image = project.services[service].image;
    const imageId = image ? ids[image] : undefined;
    const hash = plan.hashes[service];
    const made: Made[] = [];
    const start: Made[] = [];
    const restart: Made[] = [];
    await Promise.all(plan.steps[service].map((step) => limited(async () => {
      switch (step.action) {
        case 'remove':
          if (step.container.state === 'running') await stopContainer(client, step.container, opts.timeout, reporter);
          await removeContainer(client, step.container, false, reporter);
          return;
        case 'create': {
          const c = await createContainer(client, project, service, step.number, hash, imageId, reporter);
          made.push(c);
          start.push(c);
          return;
        }
        case 'recreate': {
          const c = await recreateContainer(client, project, step.old, service, step.number, hash, imageId, opts.timeout, reporter, opts.renewAnonymousVolumes);
          made.push(c);
          start.push(c);
          return;
        }
        case 'start':
        case 'keep':
        case 'restart': {
          const c = { id: step.container.id, name: step.container.name, service, number: step.container.number };
          made.push(c);
          if (step.action === 'start') start.push(c);
          if (step.action === 'restart') restart.push(c);
          if (step.action === 'keep') reporter.event({ resource: 'Container', name: c.name, status: 'Running' });
        }
      }
    })));
    const byNumber = (a: Made, b: Made) => a.number - b.number;
    containers[service] = made.sort(byNumber);
    toStart[service] = start.sort(byNumber);
    toRestart[service] = restart;
  };
  const startService = async (service: string) => {
    const s = project.services[service];
    for (const dep of dependenciesOf(project, service)) {
      await waitForDependency(client, dep, s.depends_on![dep], containers[dep] ?? [], reporter);
    }
    await Promise.all([
      ...toStart[service].map((c) => limited(() => startContainer(client, c, reporter))),
      ...toRestart[service].map((c) => limited(async () => {
        reporter.event({ resource: 'Container', name: c.name, status: 'Restarting' });
        await client.containers.restart(c.id, { timeout: opts.timeout });
        reporter.event({ resource: 'Container', name: c.name, status: 'Restarted' });
      })),
    ]);
  };
  await createThenStart(project, plan.order, createService, opts.noStart ? undefined : startService);
  if (opts.noStart) return { plan, containers };

  if (opts.wait) {
    const ac = new AbortController();
    const timer = opts.waitTimeout === undefined ? undefined : setTimeout(() => ac.abort(`application not healthy after ${opts.waitTimeout}s`), opts.waitTimeout * 1000);
    try {
      await Promise.all(Object.values(containers).flat().map(async (c) => {
        reporter.event({ resource: 'Container', name: c.name, status: 'Waiting' });
        const how = await waitRunningOrHealthy(client, c, ac.signal);
        reporter.event({ resource: 'Container', name: c.name, status: how === 'healthy' ? 'Healthy' : 'Running' });
      }));
    } finally {
      clearTimeout(timer);
      ac.abort('done');
    }
  }
  return { plan, containers };
}

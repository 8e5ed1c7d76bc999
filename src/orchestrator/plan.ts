// Convergence, decided without touching an engine: from the Project and what the engine holds
// (ObservedState), the steps `up` and `down` take. Docker Compose's rules: a container whose
// config hash (or image) still matches is left alone; a diverged one is recreated; scale-down
// removes the highest numbers first; orphans are only removed when asked.
import { invalidArgument, notFound } from '../common/errors.js';
import { serviceConfigHash, type Project, type ServiceConfig } from '../compose/index.js';
import { LABEL, containerName } from './labels.js';
import { sharedWith } from './create-body.js';
import { dependenciesOf, startOrder } from './graph.js';
import type { ObservedContainer, ObservedState } from './observed.js';

export type RecreatePolicy = 'diverged' | 'force' | 'never';

/** States in which a container counts as up: start would fail on them (a paused one stays paused). */
const LIVE = new Set(['running', 'restarting', 'paused']);

export interface UpPlanOptions {
  recreate?: RecreatePolicy;
  removeOrphans?: boolean;
  /** --scale SERVICE=N */
  scale?: Record<string, number>;
  /** Services named on the command line (with their dependencies); all when empty. */
  services?: string[];
  /** --no-deps: the named services only, not their dependencies. */
  noDeps?: boolean;
  /** --always-recreate-deps: a recreated service's dependents are recreated too. */
  alwaysRecreateDeps?: boolean;
  /** Image name → image id on the engine; a container made from another id is recreated. */
  imageIds?: Record<string, string>;
}

export type ContainerStep =
  | { action: 'create'; service: string; number: number; name: string }
  | { action: 'recreate'; service: string; number: number; name: string; old: ObservedContainer }
  /** Exists and is up to date but not running. */
  | { action: 'start'; service: string; container: ObservedContainer }
  /** Up to date and running: nothing to do. */
  | { action: 'keep'; service: string; container: ObservedContainer }
  /** Up to date, but a dependency with `restart: true` was recreated. */
  | { action: 'restart'; service: string; container: ObservedContainer }
  | { action: 'remove'; service: string; container: ObservedContainer; reason: 'scale' | 'orphan' };

export interface ResourceStep {
  /** The key in the Compose file. */
  key: string;
  /** The engine-side name (`<project>_<key>`, or the external name). */
  name: string;
  external: boolean;
  /** true when it has to be created. */
  create: boolean;
}

export interface UpPlan {
  networks: ResourceStep[];
  volumes: ResourceStep[];
  /** Services to converge, each after its dependencies. */
  order: string[];
  steps: Record<string, ContainerStep[]>;
  /** Config hash per service (written on the containers created). */
  hashes: Record<string, string>;
  orphans: ObservedContainer[];
  /** Things to tell the user (resources found that another project made). */
  warnings: string[];
}

/** How many containers a service runs: --scale, else `scale`, else deploy.replicas, else 1. */
export function replicasOf(s: ServiceConfig, scale: Record<string, number> = {}): number {
  const n = scale[s.name] ?? s.scale ?? s.deploy?.replicas ?? 1;
  if (!Number.isInteger(n) || n < 0) throw invalidArgument(`service "${s.name}": invalid scale ${n}`);
  if (n > 1 && s.container_name) {
    throw invalidArgument(`service "${s.name}" has a container_name and cannot be scaled to ${n}: container names must be unique`);
  }
  return n;
}

/** The selected services and everything they depend on. */
export function withDependencies(project: Project, services: string[] | undefined): Set<string> {
  if (!services || services.length === 0) return new Set(Object.keys(project.services));
  const out = new Set<string>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    if (!project.services[name]) throw invalidArgument(`no such service: ${name}`);
    out.add(name);
    for (const dep of dependenciesOf(project, name)) visit(dep);
  };
  services.forEach(visit);
  return out;
}

/** Containers of the project's services (no one-offs), per service, by number. */
export function containersByService(observed: ObservedState): Map<string, ObservedContainer[]> {
  const by = new Map<string, ObservedContainer[]>();
  for (const c of observed.containers) {
    if (c.oneoff) continue;
    const list = by.get(c.service) ?? [];
    list.push(c);
    by.set(c.service, list);
  }
  for (const list of by.values()) list.sort((a, b) => a.number - b.number);
  return by;
}

export function findOrphans(project: Project, observed: ObservedState): ObservedContainer[] {
  return observed.containers.filter((c) => !c.oneoff && !project.services[c.service] && !project.disabledServices[c.service]);
}

export function planResources(project: Project, observed: ObservedState): { networks: ResourceStep[]; volumes: ResourceStep[]; warnings: string[] } {
  const warnings: string[] = [];
  // An existing, non-external resource made for another project (or by hand) is used, with Compose's warning.
  const whose = (labels: Map<string, Record<string, string>> | undefined, name: string) => labels?.get(name)?.[LABEL.project];
  const networks = Object.entries(project.networks).map(([key, n]): ResourceStep => {
    const exists = observed.networks.has(n.name);
    if (n.external && !exists) throw notFound(`network ${n.name} declared as external, but could not be found`);
    if (exists && !n.external && observed.networkLabels && whose(observed.networkLabels, n.name) !== project.name) {
      warnings.push(`a network with name ${n.name} exists but was not created for project "${project.name}".\nSet \`external: true\` to use an existing network`);
    }
    return { key, name: n.name, external: n.external === true, create: !exists && !n.external };
  });
  const volumes = Object.entries(project.volumes).map(([key, v]): ResourceStep => {
    const exists = observed.volumes.has(v.name);
    if (v.external && !exists) throw notFound(`external volume "${v.name}" not found`);
    if (exists && !v.external && observed.volumeLabels && whose(observed.volumeLabels, v.name) !== project.name) {
      warnings.push(`volume "${v.name}" already exists but was not created by Docker Compose. Use \`external: true\` to use an existing volume`);
    }
    return { key, name: v.name, external: v.external === true, create: !exists && !v.external };
  });
  return { networks, volumes, warnings };
}

export function planUp(project: Project, observed: ObservedState, opts: UpPlanOptions = {}): UpPlan {
  const policy = opts.recreate ?? 'diverged';
  const selected = opts.noDeps && opts.services?.length ? new Set(opts.services) : withDependencies(project, opts.services);
  for (const name of selected) if (!project.services[name]) throw invalidArgument(`no such service: ${name}`);
  for (const name of Object.keys(opts.scale ?? {})) {
    if (!project.services[name]) throw invalidArgument(`no such service: ${name}`);
  }
  const order = startOrder(project, selected);
  const existing = containersByService(observed);
  const steps: Record<string, ContainerStep[]> = {};
  const hashes: Record<string, string> = {};
  const recreated = new Set<string>();

  for (const name of order) {
    const s = project.services[name];
    const hash = serviceConfigHash(s);
    hashes[name] = hash;
    const want = replicasOf(s, opts.scale);
    const have = existing.get(name) ?? [];
    const list: ContainerStep[] = [];
    // Scale down: the highest numbers go first.
    for (const c of have.slice(want).reverse()) list.push({ action: 'remove', service: name, container: c, reason: 'scale' });
    const kept = have.slice(0, want);
    const imageId = s.image ? opts.imageIds?.[s.image] : undefined;
    const recreatedDeps = dependenciesOf(project, name).filter((d) => recreated.has(d));
    const needsRestart = recreatedDeps.some((d) => s.depends_on?.[d]?.restart === true);
    // A container that joined a recreated one's namespaces or took its volumes must follow it.
    const shares = sharedWith(s).some((d) => recreated.has(d));
    const forced = policy === 'force' || shares || (opts.alwaysRecreateDeps === true && recreatedDeps.length > 0);
    for (const c of kept) {
      const diverged = c.configHash !== hash || (imageId !== undefined && c.imageLabel !== '' && c.imageLabel !== imageId);
      if (forced || (policy === 'diverged' && diverged)) {
        list.push({ action: 'recreate', service: name, number: c.number, name: containerName(project.name, name, c.number, s.container_name), old: c });
        recreated.add(name);
      } else if (!LIVE.has(c.state)) list.push({ action: 'start', service: name, container: c });
      else if (needsRestart) list.push({ action: 'restart', service: name, container: c });
      else list.push({ action: 'keep', service: name, container: c });
    }
    let next = have.reduce((m, c) => Math.max(m, c.number), 0) + 1;
    for (let i = kept.length; i < want; i++, next++) {
      list.push({ action: 'create', service: name, number: next, name: containerName(project.name, name, next, s.container_name) });
    }
    steps[name] = list;
  }
  return { ...planResources(project, observed), order, steps, hashes, orphans: findOrphans(project, observed) };
}

export interface DownPlanOptions {
  removeOrphans?: boolean;
  /** -v: named volumes declared by the project (not external) and anonymous ones. */
  volumes?: boolean;
}

export interface DownPlan {
  /** Containers to stop and remove, dependents before their dependencies. */
  containers: ObservedContainer[];
  networks: string[];
  volumes: string[];
  /** Orphans left in place (without --remove-orphans). */
  orphans: ObservedContainer[];
}

export function planDown(project: Project, observed: ObservedState, opts: DownPlanOptions = {}): DownPlan {
  const reverse = startOrder(project).reverse();
  const rank = new Map(reverse.map((s, i) => [s, i]));
  const orphans = findOrphans(project, observed);
  // One-off (`run`) containers go too, as with docker compose down.
  const candidates = observed.containers.filter((c) => c.oneoff || rank.has(c.service) || (opts.removeOrphans && orphans.includes(c)));
  // One-offs and orphans first (nothing depends on them), then services in reverse start order, highest numbers first.
  const position = (c: ObservedContainer) => (c.oneoff ? -2 : rank.get(c.service) ?? -1);
  const containers = candidates.sort((a, b) => position(a) - position(b) || b.number - a.number);
  const networks = Object.values(project.networks).filter((n) => !n.external && observed.networks.has(n.name)).map((n) => n.name);
  const volumes = opts.volumes ? Object.values(project.volumes).filter((v) => !v.external && observed.volumes.has(v.name)).map((v) => v.name) : [];
  return { containers, networks, volumes, orphans: opts.removeOrphans ? [] : orphans };
}

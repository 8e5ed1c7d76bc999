// Step 10: semantic checks on the typed project — references to services, networks, volumes,
// secrets and configs must exist, dependencies must not form a cycle, container names must be
// unique, and `scale` must agree with `deploy.replicas`.
import { composeError } from './errors.js';
import type { Project, ServiceConfig } from './types.js';
import type { SourceMap } from './source-map.js';

export function checkConsistency(p: Project, sources: SourceMap): void {
  const at = (...path: Array<string | number>) => sources.locate(path);
  for (const [name, s] of Object.entries(p.services)) {
    if (s.build === undefined && s.image === undefined && s.provider === undefined) {
      throw composeError(`service "${name}" has neither an image nor a build context specified`, at('services', name));
    }
    if (s.build && s.build.dockerfile_inline && s.build.dockerfile && s.build.dockerfile !== 'Dockerfile') {
      throw composeError(`service "${name}" declares mutualy exclusive dockerfile and dockerfile_inline`, at('services', name, 'build'));
    }
    if (s.network_mode !== undefined && s.networks && Object.keys(s.networks).length > 0) {
      throw composeError(`service ${name} declares mutually exclusive \`network_mode\` and \`networks\``, at('services', name, 'network_mode'));
    }
    for (const n of Object.keys(s.networks ?? {})) {
      if (!(n in p.networks)) throw composeError(`service "${name}" refers to undefined network ${n}`, at('services', name, 'networks', n));
    }
    const test = s.healthcheck?.test;
    if (test && test.length > 0 && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0])) {
      throw composeError('healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"', at('services', name, 'healthcheck', 'test'));
    }
    for (const [dep, cfg] of Object.entries(s.depends_on ?? {})) {
      if (dep in p.services) continue;
      if (dep in p.disabledServices && !cfg.required) continue;
      throw composeError(`service "${name}" depends on undefined service "${dep}"`, at('services', name, 'depends_on', dep));
    }
    if (typeof s.network_mode === 'string' && s.network_mode.startsWith('service:')) {
      const target = s.network_mode.slice('service:'.length);
      if (!(target in p.services)) throw composeError(`service "${target}" not found for network_mode 'service:${target}'`, at('services', name, 'network_mode'));
    }
    (s.volumes ?? []).forEach((v, i) => {
      if (v.type === 'volume' && v.source && !(v.source in p.volumes)) {
        throw composeError(`service "${name}" refers to undefined volume ${v.source}`, at('services', name, 'volumes', i));
      }
    });
    (s.secrets ?? []).forEach((m, i) => {
      if (!(m.source in p.secrets)) throw composeError(`service "${name}" refers to undefined secret ${m.source}`, at('services', name, 'secrets', i));
    });
    (s.configs ?? []).forEach((m, i) => {
      if (!(m.source in p.configs)) throw composeError(`service "${name}" refers to undefined config ${m.source}`, at('services', name, 'configs', i));
    });
    checkScale(name, s, at);
    const mounts = new Map<string, string>();
    ((s.tmpfs as string[] | undefined) ?? []).forEach((t, i) => {
      const path = t.split(':')[0];
      const loc = `services.${name}.tmpfs[${i}]`;
      if (mounts.has(path)) throw composeError(`target ${path} already mounted as ${mounts.get(path)}`, at('services', name, 'tmpfs', i));
      mounts.set(path, loc);
    });
    (s.volumes ?? []).forEach((v, i) => {
      const loc = `services.${name}.volumes[${i}]`;
      const target = v.target ?? '';
      if (mounts.has(target)) throw composeError(`target ${target} already mounted as ${mounts.get(target)}`, at('services', name, 'volumes', i));
      mounts.set(target, loc);
    });
  }
  for (const [name, sec] of Object.entries(p.secrets)) {
    if (!sec.external && !sec.file && !sec.environment) {
      throw composeError(`secret "${name}" must declare either \`file\` or \`environment\``, at('secrets', name));
    }
  }
  checkCycles(p, sources);
}

function checkScale(name: string, s: ServiceConfig, at: (...p: Array<string | number>) => ReturnType<SourceMap['locate']>): void {
  const replicas = s.deploy?.replicas;
  if (s.scale !== undefined && replicas !== undefined && s.scale !== replicas) {
    throw composeError(`can't set distinct values on 'scale' and 'deploy.replicas'`, at('services', name, 'scale'));
  }
  if (s.scale !== undefined && s.deploy) s.deploy.replicas = s.scale;
  if (s.scale !== undefined && s.scale < 0) throw composeError('must be greater than or equal to 0', at('services', name, 'scale'));
  if (replicas !== undefined && replicas < 0) throw composeError('must be greater than or equal to 0', at('services', name, 'deploy', 'replicas'));
  const count = s.scale ?? replicas ?? 1;
  if (count > 1 && s.container_name) {
    throw composeError(`can't set container_name and ${s.scale !== undefined ? 'scale' : 'deploy.replicas'} as container name must be unique`, at('services', name, 'container_name'));
  }
}

function checkCycles(p: Project, sources: SourceMap): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, stack: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const cycle = [...stack.slice(stack.indexOf(name)), name];
      throw composeError(`dependency cycle detected: ${cycle.join(' -> ')}`, sources.locate(['services', cycle[0], 'depends_on']));
    }
    state.set(name, 'visiting');
    for (const dep of Object.keys(p.services[name]?.depends_on ?? {}).sort()) if (dep in p.services) visit(dep, [...stack, name]);
    state.set(name, 'done');
  };
  for (const name of Object.keys(p.services).sort()) visit(name, []);
}

/** Two services may not claim the same container_name. */
export function checkContainerNameUnicity(p: Project, sources: SourceMap): void {
  const seen = new Map<string, string>();
  for (const name of Object.keys(p.services).sort()) {
    const c = p.services[name].container_name;
    if (!c) continue;
    const other = seen.get(c);
    if (other) throw composeError(`container name "${c}" is already in use by service ${other}`, sources.locate(['services', name, 'container_name']));
    seen.set(c, name);
  }
}

// Which services a command works on: profiles (--profile, COMPOSE_PROFILES, `*`), services named
// on the command line (they enable their own profiles and bring their dependencies), and the
// networks/volumes/secrets/configs that the remaining services still use.
import { composeError } from './errors.js';
import type { Project, ServiceConfig } from './types.js';

/** --profile values win; else COMPOSE_PROFILES, comma-separated. */
export function selectProfiles(flags: string[] | undefined, env: Record<string, string>): string[] {
  if (flags && flags.length > 0) return flags;
  return (env.COMPOSE_PROFILES ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

const hasProfile = (s: ServiceConfig, profiles: string[]) =>
  !s.profiles || s.profiles.length === 0 || profiles.includes('*') || s.profiles.some((p) => profiles.includes(p));

export function applyProfiles(p: Project, profiles: string[], named: string[]): void {
  const active = [...profiles];
  for (const n of named) {
    const s = p.services[n];
    if (!s) throw composeError(`no such service: ${n}`);
    if (!hasProfile(s, profiles)) active.push(...(s.profiles ?? []));
  }
  for (const [n, s] of Object.entries(p.services)) {
    if (!hasProfile(s, active)) {
      p.disabledServices[n] = s;
      delete p.services[n];
    }
  }
  p.profiles = active;
}

/** Keeps the named services and what they depend on (transitively). */
export function selectServices(p: Project, names: string[]): void {
  const keep = new Set<string>();
  const visit = (n: string) => {
    if (keep.has(n) || !p.services[n]) return;
    keep.add(n);
    for (const d of Object.keys(p.services[n].depends_on ?? {})) visit(d);
  };
  names.forEach(visit);
  for (const n of Object.keys(p.services)) {
    if (!keep.has(n)) {
      p.disabledServices[n] = p.services[n];
      delete p.services[n];
    }
  }
}

export function dropUnusedResources(p: Project): void {
  const used = { networks: new Set<string>(), volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>() };
  for (const s of Object.values(p.services)) {
    for (const n of Object.keys(s.networks ?? {})) used.networks.add(n);
    for (const v of s.volumes ?? []) if (v.type === 'volume' && v.source) used.volumes.add(v.source);
    for (const m of s.secrets ?? []) used.secrets.add(m.source);
    for (const m of (s.build?.secrets as Array<{ source: string }> | undefined) ?? []) used.secrets.add(m.source);
    for (const m of s.configs ?? []) used.configs.add(m.source);
  }
  const keep = <T>(m: Record<string, T>, names: Set<string>) => Object.fromEntries(Object.entries(m).filter(([k]) => names.has(k)));
  p.networks = keep(p.networks, used.networks);
  p.volumes = keep(p.volumes, used.volumes);
  p.secrets = keep(p.secrets, used.secrets);
  p.configs = keep(p.configs, used.configs);
}


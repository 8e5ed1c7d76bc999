// Step 8: the whole-project normalisation Compose applies after merging: default build context
// and Dockerfile, `if_not_present` → `missing`, variables without value resolved from the
// environment, implicit depends_on from links / volumes_from / `service:` namespaces, the implicit
// `default` network, `<project>_<name>` resource names, default ports mode/protocol, secret targets.
import { isDict, type Dict } from './dict.js';
import { cleanPath } from './volumes.js';

export function applyDefaults(dict: Dict): Dict {
  const services = isDict(dict.services) ? dict.services : {};
  for (const s of Object.values(services)) {
    if (!isDict(s)) continue;
    if (isDict(s.build) && s.build.context === undefined) s.build.context = '.';
    if (Array.isArray(s.secrets)) {
      for (const m of s.secrets) if (isDict(m) && m.target === undefined) m.target = `/run/secrets/${String(m.source)}`;
    }
    if (Array.isArray(s.ports)) {
      for (const p of s.ports) {
        if (!isDict(p)) continue;
        if (p.protocol === undefined) p.protocol = 'tcp';
        if (p.mode === undefined) p.mode = 'ingress';
      }
    }
  }
  return dict;
}

const started = (restart: boolean) => ({ condition: 'service_started', ...(restart ? { restart: true } : {}), required: true });

export function normalize(dict: Dict, projectName: string, env: Record<string, string>): Dict {
  const lookup = (k: string) => (Object.prototype.hasOwnProperty.call(env, k) ? env[k] : undefined);
  normalizeNetworks(dict);
  const services = isDict(dict.services) ? dict.services : {};
  for (const [name, s] of Object.entries(services)) {
    if (!isDict(s)) {
      services[name] = {};
      continue;
    }
    if (s.pull_policy === 'if_not_present') s.pull_policy = 'missing';
    if (isDict(s.build)) {
      if (s.build.context === undefined) s.build.context = '.';
      if (s.build.dockerfile === undefined && s.build.dockerfile_inline === undefined) s.build.dockerfile = 'Dockerfile';
      if (s.build.args !== undefined) s.build.args = resolveVars(s.build.args, lookup, false);
    }
    if (s.environment !== undefined) s.environment = resolveVars(s.environment, lookup, true);
    const dependsOn: Dict = isDict(s.depends_on) ? s.depends_on : {};
    if (Array.isArray(s.links)) {
      for (const l of s.links) {
        const parts = String(l).split(':');
        const link = parts.length === 2 ? parts[0] : String(l);
        if (!(link in dependsOn)) dependsOn[link] = started(true);
      }
    }
    for (const ns of ['network_mode', 'ipc', 'pid', 'uts', 'cgroup']) {
      const ref = s[ns];
      if (typeof ref === 'string' && ref.startsWith('service:')) {
        const shared = ref.slice('service:'.length);
        if (!(shared in dependsOn)) dependsOn[shared] = started(true);
      }
    }
    if (Array.isArray(s.volumes)) {
      for (const v of s.volumes) if (isDict(v) && typeof v.target === 'string') v.target = cleanPath(v.target);
    }
    if (Array.isArray(s.volumes_from)) {
      for (const v of s.volumes_from) {
        const spec = String(v);
        if (spec.startsWith('container:')) continue;
        const svc = spec.split(':')[0];
        if (!(svc in dependsOn)) dependsOn[svc] = started(false);
      }
    }
    if (Object.keys(dependsOn).length > 0) s.depends_on = dependsOn;
  }
  for (const kind of ['networks', 'volumes', 'configs', 'secrets']) {
    const top = dict[kind];
    if (!isDict(top)) continue;
    for (const [key, r] of Object.entries(top)) {
      const res: Dict = isDict(r) ? r : {};
      if (res.name === undefined) res.name = res.external === true ? key : `${projectName}_${key}`;
      top[key] = res;
    }
  }
  return dict;
}

function normalizeNetworks(dict: Dict): void {
  const networks: Dict = isDict(dict.networks) ? dict.networks : {};
  let usesDefault = false;
  const services = isDict(dict.services) ? dict.services : {};
  for (const s of Object.values(services)) {
    if (!isDict(s) || s.provider !== undefined || s.network_mode !== undefined) continue;
    if (!isDict(s.networks) || Object.keys(s.networks).length === 0) {
      s.networks = { default: null };
      usesDefault = true;
    } else if ('default' in s.networks) usesDefault = true;
  }
  if (!('default' in networks) && usesDefault) networks.default = null;
  if (Object.keys(networks).length > 0) dict.networks = networks;
}

/** Variables listed without a value take it from the environment (or stay null when `keepEmpty`). */
function resolveVars(v: unknown, lookup: (k: string) => string | undefined, keepEmpty: boolean): unknown {
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      if (typeof e === 'string' && !e.includes('=')) {
        const val = lookup(e);
        if (val !== undefined) out.push(`${e}=${val}`);
        else if (keepEmpty) out.push(e);
      } else out.push(e);
    }
    return out;
  }
  if (isDict(v)) {
    const out: Dict = {};
    for (const [k, e] of Object.entries(v)) {
      if (e !== null && e !== undefined) out[k] = e;
      else {
        const val = lookup(k);
        if (val !== undefined) out[k] = val;
        else if (keepEmpty) out[k] = null;
      }
    }
    return out;
  }
  return v;
}

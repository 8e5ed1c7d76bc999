// Step 9: the merged, normalised dict becomes typed values the way compose-go decodes it:
// list-or-map fields become maps, commands are split into words, durations and byte sizes are
// parsed, numbers in string lists become strings. Errors name the model path.
import { composeError } from './errors.js';
import { goString, isDict, type Dict } from './dict.js';
import { formatDuration, parseBytes, parseDuration } from './units.js';
import { splitShellWords } from './shellwords.js';
import type { SourceMap } from './source-map.js';
import type { ServiceConfig } from './types.js';

type Conv = (v: unknown, path: string[]) => unknown;

export class ModelError extends Error {}

const duration: Conv = (v) => {
  try {
    return formatDuration(parseDuration(goString(v)));
  } catch (e) {
    throw new ModelError((e as Error).message);
  }
};
const bytes: Conv = (v) => {
  try {
    return parseBytes(typeof v === 'number' ? v : goString(v));
  } catch (e) {
    throw new ModelError((e as Error).message);
  }
};
const num: Conv = (v) => {
  const n = typeof v === 'number' ? v : Number(goString(v));
  if (Number.isNaN(n)) throw new ModelError(`invalid number ${JSON.stringify(v)}`);
  return n;
};
const strList: Conv = (v) => (Array.isArray(v) ? v.map(goString) : [goString(v)]);
const shell: Conv = (v) => {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(goString);
  try {
    return splitShellWords(goString(v));
  } catch (e) {
    throw new ModelError((e as Error).message);
  }
};

/** list (`K=V`, `K`) or mapping → mapping; `K` without value is null when `keepNull`. */
export function toMapping(v: unknown, keepNull: boolean): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goString(e);
      const i = s.indexOf('=');
      if (i < 0) out[s] = keepNull ? null : '';
      else {
        const k = s.slice(0, i);
        if (keepNull && /\s$/.test(k)) throw new ModelError(`environment variable ${k} is declared with a trailing space`);
        out[k] = s.slice(i + 1);
      }
    }
  } else if (isDict(v)) {
    for (const [k, e] of Object.entries(v)) out[k] = e === null || e === undefined ? (keepNull ? null : '') : goString(e);
  }
  return out;
}
const mapping: Conv = (v) => toMapping(v, false);
const mappingWithEquals: Conv = (v) => toMapping(v, true);

const extraHosts: Conv = (v) => {
  const out: Record<string, string[]> = {};
  const add = (host: string, ips: string[]) => {
    if (host === '' || /[:=]/.test(host)) throw new ModelError(`bad host name '${host}'`);
    out[host] = [...(out[host] ?? []), ...ips.map((ip) => (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip))];
  };
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = goString(e);
      const sep = ['=', ':'].map((c) => s.indexOf(c)).find((i) => i >= 0);
      if (sep === undefined) throw new ModelError(`invalid additional host, missing IP: ${s}`);
      add(s.slice(0, sep), s.slice(sep + 1).split(','));
    }
  } else if (isDict(v)) {
    for (const [k, e] of Object.entries(v)) add(k, Array.isArray(e) ? e.map(goString) : [goString(e)]);
  }
  return out;
};

const ulimits: Conv = (v) => {
  if (!isDict(v)) return v;
  const out: Dict = {};
  for (const [k, e] of Object.entries(v)) out[k] = isDict(e) ? { soft: num(e.soft, []), hard: num(e.hard, []) } : num(e, []);
  return out;
};

const fileMode = (v: unknown) => (typeof v === 'string' ? parseInt(v, 8) : v);
const mounts: Conv = (v) =>
  Array.isArray(v) ? v.map((m) => (isDict(m) ? { ...m, ...(m.mode !== undefined ? { mode: fileMode(m.mode) } : {}), ...(m.uid !== undefined ? { uid: goString(m.uid) } : {}), ...(m.gid !== undefined ? { gid: goString(m.gid) } : {}) } : m)) : v;

const healthcheck: Conv = (v) => {
  if (!isDict(v)) return v;
  const h: Dict = { ...v };
  for (const k of ['timeout', 'interval', 'start_period', 'start_interval']) if (h[k] !== undefined) h[k] = duration(h[k], []);
  if (h.retries !== undefined) h.retries = num(h.retries, []);
  if (typeof h.test === 'string') h.test = ['CMD-SHELL', h.test];
  return h;
};

/** Device requests (GPUs): `count: all` (or no count and no ids) is -1, as compose-go stores it. */
const deviceRequests: Conv = (v) => {
  const list = typeof v === 'string' ? [{ count: 'all' }] : Array.isArray(v) ? v : [];
  return list.map((d) => {
    if (!isDict(d)) return d;
    const o: Dict = { ...d };
    if (o.count === undefined && o.device_ids === undefined) o.count = 'all';
    if (o.count !== undefined) {
      const c = goString(o.count);
      if (c.toLowerCase() === 'all') o.count = -1;
      else if (/^-?\d+$/.test(c)) o.count = Number(c);
      else throw new ModelError(`invalid value "${c}", the only value allowed is 'all' or a number`);
    }
    if (o.options !== undefined) o.options = mapping(o.options, []);
    return o;
  });
};

const resource = (r: unknown) => {
  if (!isDict(r)) return r;
  const o: Dict = { ...r };
  if (o.cpus !== undefined) o.cpus = num(o.cpus, []);
  if (o.memory !== undefined) o.memory = bytes(o.memory, []);
  if (o.pids !== undefined) o.pids = num(o.pids, []);
  if (o.devices !== undefined) o.devices = deviceRequests(o.devices, []);
  return o;
};
const updateConfig = (u: unknown) => {
  if (!isDict(u)) return u;
  const o: Dict = { ...u };
  for (const k of ['delay', 'monitor']) if (o[k] !== undefined) o[k] = duration(o[k], []);
  return o;
};
const deploy: Conv = (v) => {
  if (!isDict(v)) return v;
  const d: Dict = { ...v };
  if (d.labels !== undefined) d.labels = mapping(d.labels, []);
  if (d.replicas !== undefined) d.replicas = num(d.replicas, []);
  if (isDict(d.resources)) d.resources = { ...d.resources, ...(d.resources.limits ? { limits: resource(d.resources.limits) } : {}), ...(d.resources.reservations ? { reservations: resource(d.resources.reservations) } : {}) };
  if (isDict(d.restart_policy)) {
    const rp: Dict = { ...d.restart_policy };
    for (const k of ['delay', 'window']) if (rp[k] !== undefined) rp[k] = duration(rp[k], []);
    d.restart_policy = rp;
  }
  if (d.update_config) d.update_config = updateConfig(d.update_config);
  if (d.rollback_config) d.rollback_config = updateConfig(d.rollback_config);
  return d;
};

const build: Conv = (v) => {
  if (!isDict(v)) return v;
  const b: Dict = { ...v };
  if (b.args !== undefined) b.args = mappingWithEquals(b.args, []);
  if (b.labels !== undefined) b.labels = mapping(b.labels, []);
  if (b.additional_contexts !== undefined) b.additional_contexts = mapping(b.additional_contexts, []);
  if (b.extra_hosts !== undefined) b.extra_hosts = extraHosts(b.extra_hosts, []);
  if (b.shm_size !== undefined) b.shm_size = bytes(b.shm_size, []);
  for (const k of ['cache_from', 'cache_to', 'tags', 'platforms', 'no_cache_filter']) if (b[k] !== undefined) b[k] = strList(b[k], []);
  if (b.secrets !== undefined) b.secrets = mounts(b.secrets, []);
  if (b.ulimits !== undefined) b.ulimits = ulimits(b.ulimits, []);
  for (const k of ['provenance', 'sbom']) if (b[k] !== undefined) b[k] = goString(b[k]);
  return b;
};

const volumes: Conv = (v) =>
  Array.isArray(v)
    ? v.map((m) => {
        if (!isDict(m) || !isDict(m.tmpfs)) return m;
        const t: Dict = { ...m.tmpfs };
        if (t.size !== undefined) t.size = bytes(t.size, []);
        if (t.mode !== undefined) t.mode = typeof t.mode === 'string' ? parseInt(t.mode, 8) : t.mode;
        return { ...m, tmpfs: t };
      })
    : v;

const logging: Conv = (v) => (isDict(v) && v.options !== undefined ? { ...v, options: mapping(v.options, []) } : v);

const SERVICE_CONVERTERS: Record<string, Conv> = {
  annotations: mapping, build, command: shell, entrypoint: shell, environment: mappingWithEquals, labels: mapping,
  sysctls: mapping, extra_hosts: extraHosts, dns: strList, dns_search: strList, tmpfs: strList, expose: strList,
  group_add: strList, healthcheck, deploy, ulimits, secrets: mounts, configs: mounts, volumes, logging,
  stop_grace_period: duration, mem_limit: bytes, mem_reservation: bytes, memswap_limit: bytes, mem_swappiness: bytes,
  shm_size: bytes, cpus: num, cpu_count: num, cpu_percent: num, cpu_period: num, cpu_quota: num, cpu_rt_period: num,
  cpu_rt_runtime: num, cpu_shares: num, pids_limit: num, oom_score_adj: num, scale: num,
  log_opt: mapping, gpus: deviceRequests,
};

export function toServiceConfig(name: string, dict: Dict, sources: SourceMap): ServiceConfig {
  const out: ServiceConfig = { name };
  for (const [k, v] of Object.entries(dict)) {
    const conv = SERVICE_CONVERTERS[k];
    try {
      out[k] = conv ? conv(v, ['services', name, k]) : v;
    } catch (e) {
      if (e instanceof ModelError) throw composeError(e.message, sources.locate(['services', name, k]));
      throw e;
    }
  }
  return out;
}

export function toResource<T>(name: string, kind: string, dict: unknown): T {
  const d: Dict = isDict(dict) ? { ...dict } : {};
  if (d.labels !== undefined) d.labels = toMapping(d.labels, false);
  if (isDict(d.driver_opts)) d.driver_opts = toMapping(d.driver_opts, false);
  if (d.external !== undefined) d.external = d.external === true;
  void kind;
  void name;
  return d as T;
}

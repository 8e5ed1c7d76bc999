// `compose config` output: the Project laid out in compose-go's struct field order (yaml tags of
// types.go at compose-go v2.9.1, the version docker compose v2.40 ships), zero values left out as
// `omitempty` does, maps sorted as yaml.v3 sorts them, sizes printed as quoted byte counts.
import { createRequire } from 'node:module';
import { Ordered, emitJson, emitJsonCompact, emitYaml } from './yaml-emit.js';
import { isDict } from './dict.js';
import type { Project, ServiceConfig } from './types.js';

interface Layout {
  order: string[];
  /** Fields printed even when zero (Go pointers, or tags without omitempty). */
  keep?: Set<string>;
  /** Go struct values (not pointers): encoding/json never omits them, so JSON prints `{}`. */
  jsonStructs?: Set<string>;
  /** Layout of child fields. */
  children?: Record<string, Rule>;
}
type Rule = { kind: 'struct'; layout: Layout } | { kind: 'list'; of: Rule } | { kind: 'map'; of: Rule } | { kind: 'bytes' } | { kind: 'mode' } | { kind: 'hosts' } | { kind: 'ulimit' };

const struct = (order: string[], children: Record<string, Rule> = {}, keep: string[] = [], jsonStructs: string[] = []): Rule => ({
  kind: 'struct',
  layout: { order, children, keep: new Set(keep), jsonStructs: new Set(jsonStructs) },
});
const list = (of: Rule): Rule => ({ kind: 'list', of });
const map = (of: Rule): Rule => ({ kind: 'map', of });
const BYTES: Rule = { kind: 'bytes' };

const fileRef = struct(['source', 'target', 'uid', 'gid', 'mode'], { mode: { kind: 'mode' } });
const ulimitsRule = map({ kind: 'ulimit' });
const deviceRequest = struct(['capabilities', 'driver', 'count', 'device_ids', 'options']);
const resource = struct(['cpus', 'memory', 'pids', 'devices', 'generic_resources'], { memory: BYTES, devices: list(deviceRequest) });
const updateConfig = struct(['parallelism', 'delay', 'failure_action', 'monitor', 'max_failure_ratio', 'order'], {}, ['parallelism']);

const SERVICE = struct(
  ['profiles', 'annotations', 'attach', 'build', 'develop', 'blkio_config', 'cap_add', 'cap_drop', 'cgroup_parent', 'cgroup', 'cpu_count',
    'cpu_percent', 'cpu_period', 'cpu_quota', 'cpu_rt_period', 'cpu_rt_runtime', 'cpus', 'cpuset', 'cpu_shares', 'command', 'configs',
    'container_name', 'credential_spec', 'depends_on', 'deploy', 'device_cgroup_rules', 'devices', 'dns', 'dns_opt', 'dns_search',
    'dockerfile', 'domainname', 'entrypoint', 'provider', 'environment', 'env_file', 'expose', 'extends', 'external_links', 'extra_hosts',
    'group_add', 'gpus', 'hostname', 'healthcheck', 'image', 'init', 'ipc', 'isolation', 'labels', 'label_file', 'links', 'logging',
    'log_driver', 'log_opt', 'mem_limit', 'mem_reservation', 'memswap_limit', 'mem_swappiness', 'mac_address', 'models', 'net',
    'network_mode', 'networks', 'oom_kill_disable', 'oom_score_adj', 'pid', 'pids_limit', 'platform', 'ports', 'privileged',
    'pull_policy', 'read_only', 'restart', 'runtime', 'scale', 'secrets', 'security_opt', 'shm_size', 'stdin_open', 'stop_grace_period',
    'stop_signal', 'storage_opt', 'sysctls', 'tmpfs', 'tty', 'ulimits', 'use_api_socket', 'user', 'userns_mode', 'uts', 'volume_driver',
    'volumes', 'volumes_from', 'working_dir', 'post_start', 'pre_stop'],
  {
    build: struct(['context', 'dockerfile', 'dockerfile_inline', 'entitlements', 'args', 'provenance', 'sbom', 'ssh', 'labels', 'cache_from',
      'cache_to', 'no_cache', 'additional_contexts', 'pull', 'extra_hosts', 'isolation', 'network', 'target', 'secrets', 'shm_size', 'tags',
      'ulimits', 'platforms', 'privileged'], { shm_size: BYTES, secrets: list(fileRef), extra_hosts: { kind: 'hosts' }, ulimits: ulimitsRule }),
    configs: list(fileRef),
    secrets: list(fileRef),
    depends_on: map(struct(['condition', 'restart', 'required'], {}, ['required'])),
    deploy: struct(['mode', 'replicas', 'labels', 'update_config', 'rollback_config', 'resources', 'restart_policy', 'placement', 'endpoint_mode'], {
      update_config: updateConfig, rollback_config: updateConfig,
      resources: struct(['limits', 'reservations'], { limits: resource, reservations: resource }),
      restart_policy: struct(['condition', 'delay', 'max_attempts', 'window'], {}, ['max_attempts']),
      placement: struct(['constraints', 'preferences', 'max_replicas_per_node']),
    }, ['replicas'], ['resources', 'placement']),
    devices: list(struct(['source', 'target', 'permissions'])),
    extra_hosts: { kind: 'hosts' },
    healthcheck: struct(['test', 'timeout', 'interval', 'retries', 'start_period', 'start_interval', 'disable'], {}, ['retries']),
    logging: struct(['driver', 'options']),
    mem_limit: BYTES, mem_reservation: BYTES, memswap_limit: BYTES, mem_swappiness: BYTES, shm_size: BYTES,
    networks: map(struct(['aliases', 'driver_opts', 'gw_priority', 'interface_name', 'ipv4_address', 'ipv6_address', 'link_local_ips', 'mac_address', 'priority'])),
    ports: list(struct(['name', 'mode', 'host_ip', 'target', 'published', 'protocol', 'app_protocol'])),
    ulimits: ulimitsRule,
    volumes: list(struct(['type', 'source', 'target', 'read_only', 'consistency', 'bind', 'volume', 'tmpfs', 'image'], {
      bind: struct(['selinux', 'propagation', 'create_host_path', 'recursive']),
      volume: struct(['labels', 'nocopy', 'subpath']),
      tmpfs: struct(['size', 'mode'], { size: BYTES }),
      image: struct(['subpath']),
    })),
    extends: struct(['file', 'service']),
    env_file: list(struct(['path', 'required', 'format'], {}, ['required'])),
    gpus: list(deviceRequest),
  },
  ['attach', 'init', 'scale', 'command', 'entrypoint'],
);

const NETWORK = struct(['name', 'driver', 'driver_opts', 'ipam', 'external', 'internal', 'attachable', 'labels', 'enable_ipv4', 'enable_ipv6'], {
  ipam: struct(['driver', 'config'], { config: list(struct(['subnet', 'gateway', 'ip_range', 'aux_addresses'])) }),
}, ['enable_ipv4', 'enable_ipv6'], ['ipam']);
const VOLUME = struct(['name', 'driver', 'driver_opts', 'external', 'labels']);
const FILE_OBJECT = struct(['name', 'file', 'environment', 'content', 'external', 'labels', 'driver', 'driver_opts', 'template_driver']);

/** yaml.v3's map key order: a natural sort where digit runs compare as numbers. */
export function goYamlKeyLess(a: string, b: string): boolean {
  // Code points, so that non-BMP characters compare as Go's runes do; ASCII keys skip the copy.
  const ascii = /^[\x00-\x7f]*$/;
  const ar = ascii.test(a) ? a : [...a];
  const br = ascii.test(b) ? b : [...b];
  const isDigit = (c: string) => c >= '0' && c <= '9';
  const isLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c > '\x7f' && /\p{L}/u.test(c));
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]);
      continue;
    }
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return digits ? al : bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}

type Flavour = 'yaml' | 'json';

function sortKeys(keys: string[], flavour: Flavour): string[] {
  if (flavour === 'json') return [...keys].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return [...keys].sort((x, y) => (goYamlKeyLess(x, y) ? -1 : goYamlKeyLess(y, x) ? 1 : 0));
}

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isDict(v)) return Object.keys(v).length === 0;
  return false;
}

function applyRule(v: unknown, rule: Rule | undefined, flavour: Flavour): unknown {
  if (!rule) return plain(v, flavour);
  switch (rule.kind) {
    case 'struct':
      return isDict(v) ? layoutStruct(v, rule.layout, flavour) : plain(v, flavour);
    case 'list':
      return Array.isArray(v) ? v.map((e) => applyRule(e, rule.of, flavour)) : plain(v, flavour);
    case 'map':
      if (!isDict(v)) return plain(v, flavour);
      return new Ordered(sortKeys(Object.keys(v), flavour).map((k) => [k, v[k] === null ? null : applyRule(v[k], rule.of, flavour)]));
    case 'bytes':
      return typeof v === 'number' ? String(v) : v;
    case 'mode':
      return typeof v === 'number' ? `0${v.toString(8)}` : v;
    case 'ulimit':
      return isDict(v) ? new Ordered([['soft', v.soft ?? 0], ['hard', v.hard ?? 0]]) : v;
    case 'hosts': {
      if (!isDict(v)) return v;
      const entries: string[] = [];
      for (const [host, ips] of Object.entries(v)) for (const ip of ips as string[]) entries.push(`${host}=${ip}`);
      return entries.sort();
    }
  }
}

function plain(v: unknown, flavour: Flavour): unknown {
  if (Array.isArray(v)) return v.map((e) => plain(e, flavour));
  if (isDict(v)) return new Ordered(sortKeys(Object.keys(v), flavour).map((k) => [k, plain(v[k], flavour)]));
  return v;
}

function layoutStruct(v: Record<string, unknown>, layout: Layout, flavour: Flavour): Ordered {
  const entries: Array<[string, unknown]> = [];
  for (const k of layout.order) {
    const val = v[k];
    const keep = layout.keep?.has(k);
    if (flavour === 'json' && (k === 'command' || k === 'entrypoint') && layout === (SERVICE as { layout: Layout }).layout) {
      entries.push([k, val === undefined ? null : applyRule(val, layout.children?.[k], flavour)]);
      continue;
    }
    if (flavour === 'json' && layout.jsonStructs?.has(k) && (val === undefined || isZero(val))) {
      entries.push([k, new Ordered([])]);
      continue;
    }
    // A struct behind a Go pointer (build, deploy, healthcheck, volume options...) is printed
    // even when empty (`volume: {}`); struct values (deploy.resources, ipam) are omitted when empty.
    const pointerStruct = layout.children?.[k]?.kind === 'struct' && !layout.jsonStructs?.has(k) && isDict(val);
    if (val === undefined || (!keep && !pointerStruct && isZero(val))) continue;
    if (keep && val === null) continue;
    entries.push([k, applyRule(val, layout.children?.[k], flavour)]);
  }
  // Extensions are inlined in YAML; their Go field is tagged json:"-" so JSON leaves them out.
  if (flavour === 'yaml') for (const k of sortKeys(Object.keys(v).filter((k) => k.startsWith('x-')), flavour)) entries.push([k, plain(v[k], flavour)]);
  return new Ordered(entries);
}

function servicesTree(p: Project, flavour: Flavour): Ordered {
  const rule = (SERVICE as { layout: Layout }).layout;
  return new Ordered(
    sortKeys(Object.keys(p.services), flavour).map((name) => {
      const { name: _n, ...rest } = p.services[name];
      return [name, layoutStruct(rest, rule, flavour)];
    }),
  );
}

function resources(m: Record<string, unknown>, rule: Rule, flavour: Flavour): Ordered {
  return new Ordered(sortKeys(Object.keys(m), flavour).map((k) => [k, applyRule(m[k], rule, flavour)]));
}

/** The document `docker compose config` prints, as an ordered tree. */
export function projectTree(p: Project, flavour: Flavour): Ordered {
  const entries: Array<[string, unknown]> = [['name', p.name], ['services', servicesTree(p, flavour)]];
  const kinds: Array<[string, Record<string, unknown>, Rule]> = [
    ['networks', p.networks, NETWORK], ['volumes', p.volumes, VOLUME], ['secrets', p.secrets, FILE_OBJECT], ['configs', p.configs, FILE_OBJECT],
  ];
  for (const [k, m, rule] of kinds) if (Object.keys(m).length > 0) entries.push([k, resources(m, rule, flavour)]);
  for (const k of sortKeys(Object.keys(p.extensions), flavour)) entries.push([k, plain(p.extensions[k], flavour)]);
  if (flavour === 'json') return new Ordered(sortKeys(entries.map(([k]) => k), 'json').map((k) => entries.find(([e]) => e === k) as [string, unknown]));
  return new Ordered(entries);
}

/** `compose config` YAML: `$` is doubled so the output can be loaded again. */
export function renderYaml(p: Project): string {
  return emitYaml(projectTree(p, 'yaml')).replace(/\$/g, '$$$$');
}

export function renderJson(p: Project): string {
  return emitJson(projectTree(p, 'json')).replace(/\$/g, '$$$$');
}

/** `--no-interpolate` prints the raw model: a plain map, every key sorted, `$` left alone. */
export function renderModelYaml(model: Record<string, unknown>): string {
  return emitYaml(plain(model, 'yaml'));
}

export function renderModelJson(model: Record<string, unknown>): string {
  return emitJson(plain(model, 'json'));
}

/**
 * Docker Compose's service config hash (`com.docker.compose.config-hash`): sha256 of the
 * service's compact JSON without the fields that do not require recreating the container
 * (build, pull_policy, scale, deploy.replicas, depends_on, profiles). `docker compose up` hashes
 * a project loaded with `discardEnvFiles: false`; `config --hash` one loaded with
 * `resolveServiceEnvironment: false`.
 */
export function serviceConfigHash(service: ServiceConfig): string {
  const { name: _n, build: _b, pull_policy: _pp, scale: _s, depends_on: _d, profiles: _p, ...rest } = service;
  if (isDict(rest.deploy)) {
    const { replicas: _r, ...deploy } = rest.deploy;
    rest.deploy = deploy;
  }
  const tree = layoutStruct(rest, (SERVICE as { layout: Layout }).layout, 'json');
  return sha256Hex(emitJsonCompact(tree));
}

// node:crypto is only needed for hashes; load it then, not at every `compose config`.
const requireAtRuntime = createRequire(import.meta.url);
function sha256Hex(text: string): string {
  const { createHash } = requireAtRuntime('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

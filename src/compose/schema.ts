// Step 4: structural validation of each file's model against the Compose Specification's shape
// (unknown keys, wrong types, bad enum values), reported with file, line and model path.
import { z, type ZodIssue, type ZodTypeAny } from 'zod';
import { composeError, formatPath } from './errors.js';
import type { Dict } from './dict.js';
import type { SourceMap } from './source-map.js';

/** A mapping with known keys; `x-*` extension keys are always allowed. */
function obj(shape: Record<string, ZodTypeAny>) {
  return z
    .object(shape)
    .passthrough()
    .superRefine((v, ctx) => {
      for (const k of Object.keys(v)) {
        if (!(k in shape) && !k.startsWith('x-')) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: [k], message: `additional property "${k}" is not allowed`, params: { unknownKey: true } });
        }
      }
    });
}

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object';
const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * A union chosen by the value's JSON type. zod's own unions try every branch and build issues
 * for the failures; dispatching on the type is several times faster on large files.
 */
function byType(branches: Partial<Record<Kind, ZodTypeAny>>) {
  const expected = (Object.keys(branches) as Kind[]).filter((k) => k !== 'null').join(' or ') || 'null';
  return z.any().superRefine((v, ctx) => {
    const kind = kindOf(v);
    const schema = branches[kind as Kind];
    if (!schema) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `must be ${/^[aeiou]/.test(expected) ? 'an' : 'a'} ${expected}, not ${kind}` });
      return;
    }
    const r = schema.safeParse(v);
    if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, code: z.ZodIssueCode.custom, message: describe(issue), params: issue.code === z.ZodIssueCode.custom ? issue.params : undefined });
  });
}

const nameKey = /^[a-zA-Z0-9._-]+$/;

/** The Compose file schema, built on first use: commands that never load a project skip the cost. */
function buildSchema() {
  const str = z.string();
  const num = z.number();
  const bool = z.boolean();
  const nul = z.null();
  const scalar = byType({ string: str, number: num, boolean: bool, null: nul });
  const strOrNum = byType({ string: str, number: num });
  const boolish = byType({ boolean: bool, string: str });
  const listOfStrings = z.array(z.string());
  const stringOrList = byType({ string: str, array: listOfStrings });
  const listOrDict = byType({ array: z.array(scalar), object: z.record(scalar) });
  const command = byType({ null: nul, string: str, array: listOfStrings });
  const duration = strOrNum;
  const extraHosts = byType({ array: z.array(z.string()), object: z.record(byType({ string: str, array: listOfStrings })) });
  const ulimits = z.record(byType({ number: num, string: str, object: obj({ soft: strOrNum, hard: strOrNum }) }));

  const fileMount = z.array(byType({ string: str, object: obj({ source: str, target: str.optional(), uid: str.optional(), gid: str.optional(), mode: strOrNum.optional() }) }));

  const healthcheck = obj({
    disable: boolish.optional(), interval: duration.optional(), retries: strOrNum.optional(), test: byType({ string: str, array: listOfStrings }).optional(),
    timeout: duration.optional(), start_period: duration.optional(), start_interval: duration.optional(),
  });

  const resource = obj({ cpus: strOrNum.optional(), memory: strOrNum.optional(), pids: strOrNum.optional(), devices: z.array(z.unknown()).optional(), generic_resources: z.array(z.unknown()).optional() });
  const updateConfig = obj({ parallelism: strOrNum.optional(), delay: duration.optional(), failure_action: str.optional(), monitor: duration.optional(), max_failure_ratio: strOrNum.optional(), order: z.enum(['start-first', 'stop-first']).optional() });
  const deploy = obj({
    mode: str.optional(), endpoint_mode: str.optional(), replicas: strOrNum.optional(), labels: listOrDict.optional(),
    rollback_config: updateConfig.optional(), update_config: updateConfig.optional(),
    resources: obj({ limits: resource.optional(), reservations: resource.optional() }).optional(),
    restart_policy: obj({ condition: str.optional(), delay: duration.optional(), max_attempts: strOrNum.optional(), window: duration.optional() }).optional(),
    placement: obj({ constraints: listOfStrings.optional(), preferences: z.array(obj({ spread: str.optional() })).optional(), max_replicas_per_node: strOrNum.optional() }).optional(),
  });

  const build = byType({ string: str, object: obj({
    context: str.optional(), dockerfile: str.optional(), dockerfile_inline: str.optional(), entitlements: listOfStrings.optional(),
    args: listOrDict.optional(), ssh: listOrDict.optional(), labels: listOrDict.optional(), cache_from: listOfStrings.optional(),
    cache_to: listOfStrings.optional(), no_cache: boolish.optional(), no_cache_filter: stringOrList.optional(), additional_contexts: listOrDict.optional(),
    network: str.optional(), provenance: byType({ string: str, boolean: bool }).optional(), sbom: byType({ string: str, boolean: bool }).optional(),
    pull: boolish.optional(), target: str.optional(), shm_size: strOrNum.optional(), extra_hosts: extraHosts.optional(),
    isolation: str.optional(), privileged: boolish.optional(), secrets: fileMount.optional(), tags: listOfStrings.optional(),
    ulimits: ulimits.optional(), platforms: listOfStrings.optional(),
  }) });

  const portObject = obj({
    name: str.optional(), mode: str.optional(), host_ip: str.optional(), target: strOrNum.optional(), published: strOrNum.optional(),
    protocol: str.optional(), app_protocol: str.optional(),
  });

  const volumeObject = obj({
    type: z.enum(['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image']), source: str.optional(), target: str.optional(), read_only: boolish.optional(),
    consistency: str.optional(),
    bind: obj({ propagation: str.optional(), create_host_path: boolish.optional(), recursive: z.enum(['enabled', 'disabled', 'writable', 'readonly']).optional(), selinux: z.enum(['z', 'Z']).optional() }).optional(),
    volume: obj({ labels: listOrDict.optional(), nocopy: boolish.optional(), subpath: str.optional() }).optional(),
    tmpfs: obj({ size: strOrNum.optional(), mode: strOrNum.optional() }).optional(),
    image: obj({ subpath: str.optional() }).optional(),
  });

  const dependsOn = byType({
    array: listOfStrings,
    object: z.record(obj({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']), restart: boolish.optional(), required: boolish.optional() })),
  });

  const serviceNetworks = byType({
    array: listOfStrings,
    object: z.record(byType({ null: nul, object: obj({
      aliases: listOfStrings.optional(), driver_opts: z.record(strOrNum).optional(), gw_priority: num.optional(), interface_name: str.optional(),
      ipv4_address: str.optional(), ipv6_address: str.optional(), link_local_ips: listOfStrings.optional(), mac_address: str.optional(), priority: num.optional(),
    }) })),
  });

  const service = obj({
    develop: z.unknown().optional(), deploy: deploy.optional(), annotations: listOrDict.optional(), attach: boolish.optional(), build: build.optional(),
    blkio_config: z.unknown().optional(), cap_add: listOfStrings.optional(), cap_drop: listOfStrings.optional(), cgroup: z.enum(['host', 'private']).optional(),
    cgroup_parent: str.optional(), command: command.optional(), configs: fileMount.optional(), container_name: str.optional(),
    cpu_count: strOrNum.optional(), cpu_percent: strOrNum.optional(), cpu_shares: strOrNum.optional(), cpu_quota: strOrNum.optional(),
    cpu_period: strOrNum.optional(), cpu_rt_period: strOrNum.optional(), cpu_rt_runtime: strOrNum.optional(), cpus: strOrNum.optional(),
    cpuset: str.optional(), credential_spec: z.unknown().optional(), depends_on: dependsOn.optional(), device_cgroup_rules: listOfStrings.optional(),
    devices: z.array(byType({ string: str, object: obj({ source: str, target: str.optional(), permissions: str.optional() }) })).optional(),
    dns: stringOrList.optional(), dns_opt: listOfStrings.optional(), dns_search: stringOrList.optional(), domainname: str.optional(),
    entrypoint: command.optional(),
    env_file: byType({ string: str, array: z.array(byType({ string: str, object: obj({ path: str, format: str.optional(), required: boolish.optional() }) })) }).optional(),
    label_file: stringOrList.optional(), environment: listOrDict.optional(), expose: z.array(strOrNum).optional(),
    extends: byType({ string: str, object: obj({ service: str, file: str.optional() }) }).optional(), provider: z.unknown().optional(),
    external_links: listOfStrings.optional(), extra_hosts: extraHosts.optional(), gpus: z.unknown().optional(), group_add: z.array(strOrNum).optional(),
    healthcheck: healthcheck.optional(), hostname: str.optional(), image: str.optional(), init: boolish.optional(), ipc: str.optional(),
    isolation: str.optional(), labels: listOrDict.optional(), links: listOfStrings.optional(),
    logging: obj({ driver: str.optional(), options: z.record(byType({ string: str, number: num, null: nul })).optional() }).optional(),
    mac_address: str.optional(), mem_limit: strOrNum.optional(), mem_reservation: strOrNum.optional(), mem_swappiness: strOrNum.optional(),
    memswap_limit: strOrNum.optional(), network_mode: str.optional(), models: z.unknown().optional(), networks: serviceNetworks.optional(),
    oom_kill_disable: boolish.optional(), oom_score_adj: strOrNum.optional(), pid: byType({ string: str, null: nul }).optional(), pids_limit: strOrNum.optional(),
    platform: str.optional(), ports: z.array(byType({ number: num, string: str, object: portObject })).optional(), post_start: z.array(z.unknown()).optional(),
    pre_stop: z.array(z.unknown()).optional(), privileged: boolish.optional(), profiles: listOfStrings.optional(),
    pull_policy: z.string().regex(/^(always|never|build|if_not_present|missing|refresh|daily|weekly|every_([0-9]+[wdhms])+)$/, 'must be one of always, never, build, if_not_present, missing, refresh').optional(),
    read_only: boolish.optional(), restart: str.optional(), runtime: str.optional(), scale: strOrNum.optional(), security_opt: listOfStrings.optional(),
    shm_size: strOrNum.optional(), secrets: fileMount.optional(), sysctls: listOrDict.optional(), stdin_open: boolish.optional(),
    stop_grace_period: duration.optional(), stop_signal: str.optional(), storage_opt: z.record(z.unknown()).optional(), tmpfs: stringOrList.optional(),
    tty: boolish.optional(), ulimits: ulimits.optional(), use_api_socket: z.boolean().optional(), user: str.optional(), uts: str.optional(),
    userns_mode: str.optional(), volumes: z.array(byType({ string: str, object: volumeObject })).optional(), volumes_from: listOfStrings.optional(),
    working_dir: str.optional(), volume_driver: str.optional(), log_driver: str.optional(), log_opt: z.record(z.unknown()).optional(), net: str.optional(),
  });

  const external = byType({ boolean: bool, string: str, object: obj({ name: str.optional() }) }).optional();
  const network = byType({ null: nul, object: obj({
    name: str.optional(), driver: str.optional(), driver_opts: z.record(strOrNum).optional(),
    ipam: obj({ driver: str.optional(), config: z.array(obj({ subnet: str.optional(), ip_range: str.optional(), gateway: str.optional(), aux_addresses: z.record(str).optional() })).optional(), options: z.record(str).optional() }).optional(),
    external, internal: boolish.optional(), enable_ipv4: boolish.optional(), enable_ipv6: boolish.optional(), attachable: boolish.optional(), labels: listOrDict.optional(),
  }) });
  const volume = byType({ null: nul, object: obj({ name: str.optional(), driver: str.optional(), driver_opts: z.record(strOrNum).optional(), external, labels: listOrDict.optional() }) });
  const fileObject = byType({ null: nul, object: obj({
    name: str.optional(), content: str.optional(), environment: str.optional(), file: str.optional(), external, labels: listOrDict.optional(),
    driver: str.optional(), driver_opts: z.record(strOrNum).optional(), template_driver: str.optional(),
  }) });

  const resources = (item: ZodTypeAny) => byType({ null: nul, object: z.record(item) });

  return obj({
    version: str.optional(), name: str.optional(),
    include: z.array(byType({ string: str, object: obj({ path: stringOrList, env_file: stringOrList.optional(), project_directory: str.optional() }) })).optional(),
    services: resources(byType({ null: nul, object: service })).optional(),
    networks: resources(network).optional(), volumes: resources(volume).optional(),
    secrets: resources(fileObject).optional(), configs: resources(fileObject).optional(), models: z.unknown().optional(),
  });
}

let schema: ZodTypeAny | undefined;

/** The schema of one Compose file's model. */
export function composeFileSchema(): ZodTypeAny {
  return (schema ??= buildSchema());
}

/** Validates one file's model; throws a one-line error naming file, line and path. */
export function validateSchema(dict: Dict, sources: SourceMap): void {
  const r = composeFileSchema().safeParse(dict);
  if (r.success) {
    checkNames(dict, sources);
    return;
  }
  const issue = mostSpecific(r.error.issues);
  const path = issue.path;
  const unknownKey = issue.code === z.ZodIssueCode.custom && (issue.params as { unknownKey?: boolean } | undefined)?.unknownKey;
  const loc = sources.locate(path);
  const shown = unknownKey ? path.slice(0, -1) : path;
  throw composeError(describe(issue), { ...loc, path: shown.length > 0 ? formatPath(shown) : undefined });
}

function checkNames(dict: Dict, sources: SourceMap): void {
  for (const kind of ['services', 'networks', 'volumes', 'secrets', 'configs']) {
    const m = dict[kind];
    if (m && typeof m === 'object') {
      for (const k of Object.keys(m)) {
        if (!nameKey.test(k)) throw composeError(`invalid name "${k}": only [a-zA-Z0-9._-] are allowed`, sources.locate([kind, k]));
      }
    }
  }
}

/** From a union failure, the branch that got furthest explains the problem best. */
function mostSpecific(issues: ZodIssue[]): ZodIssue {
  let best = issues[0];
  for (const i of issues) if (i.path.length > best.path.length) best = i;
  if (best.code === z.ZodIssueCode.invalid_union) {
    const candidates = best.unionErrors.flatMap((e) => e.issues);
    const deeper = candidates.filter((c) => c.path.length > best.path.length);
    if (deeper.length > 0) return mostSpecific(deeper);
    // No branch got further: report the richest alternative (an object or a list, not null).
    const typed = candidates.filter((c) => c.code === z.ZodIssueCode.invalid_type && c.expected !== 'null');
    if (typed.length > 0) return typed[typed.length - 1];
  }
  return best;
}

function describe(issue: ZodIssue): string {
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      return issue.received === 'undefined' ? 'is required' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}, not ${issue.received}`;
    case z.ZodIssueCode.invalid_union:
      return `has an invalid type or value`;
    case z.ZodIssueCode.invalid_enum_value:
      return `must be one of ${issue.options.map(String).join(', ')}`;
    default:
      return issue.message;
  }
}

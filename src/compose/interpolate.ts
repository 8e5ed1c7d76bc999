// Step 2: substitute variables in every string value of a parsed file (keys are left alone), then
// cast the values of typed fields (ports[].target, scale, privileged...) that came out as strings.
import { composeError } from './errors.js';
import { isDict, matches, type Dict, type ModelPath } from './dict.js';
import { InvalidTemplate, MissingRequiredVariable, substitute, type Lookup } from './template.js';
import type { SourceMap } from './source-map.js';

type Cast = (v: string) => unknown;

const toInt: Cast = (v) => {
  if (!/^[-+]?\d+$/.test(v)) throw new Error(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
};
const toFloat: Cast = (v) => {
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
  return n;
};
const toBool: Cast = (v) => {
  switch (v.toLowerCase()) {
    case 'true': case 'y': case 'yes': case 'on': return true;
    case 'false': case 'n': case 'no': case 'off': return false;
    default: throw new Error(`invalid boolean: ${v}`);
  }
};

const svc = (...p: string[]) => ['services', '*', ...p];
const CASTS: Array<[string[], Cast]> = [
  [svc('cpu_count'), toInt], [svc('cpu_percent'), toFloat], [svc('cpu_period'), toInt], [svc('cpu_quota'), toInt],
  [svc('cpu_rt_period'), toInt], [svc('cpu_rt_runtime'), toInt], [svc('cpus'), toFloat], [svc('cpu_shares'), toInt],
  [svc('init'), toBool], [svc('depends_on', '*', 'required'), toBool], [svc('depends_on', '*', 'restart'), toBool],
  [svc('deploy', 'replicas'), toInt], [svc('deploy', 'update_config', 'parallelism'), toInt],
  [svc('deploy', 'update_config', 'max_failure_ratio'), toFloat], [svc('deploy', 'rollback_config', 'parallelism'), toInt],
  [svc('deploy', 'rollback_config', 'max_failure_ratio'), toFloat], [svc('deploy', 'restart_policy', 'max_attempts'), toInt],
  [svc('deploy', 'placement', 'max_replicas_per_node'), toInt], [svc('healthcheck', 'retries'), toInt],
  [svc('healthcheck', 'disable'), toBool], [svc('oom_kill_disable'), toBool], [svc('oom_score_adj'), toInt],
  [svc('pids_limit'), toInt], [svc('ports', '*', 'target'), toInt], [svc('privileged'), toBool], [svc('read_only'), toBool],
  [svc('scale'), toInt], [svc('stdin_open'), toBool], [svc('tty'), toBool], [svc('ulimits', '*'), toInt],
  [svc('ulimits', '*', 'hard'), toInt], [svc('ulimits', '*', 'soft'), toInt], [svc('volumes', '*', 'read_only'), toBool],
  [svc('volumes', '*', 'volume', 'nocopy'), toBool],
  [['networks', '*', 'external'], toBool], [['networks', '*', 'internal'], toBool], [['networks', '*', 'attachable'], toBool],
  [['networks', '*', 'enable_ipv4'], toBool], [['networks', '*', 'enable_ipv6'], toBool],
  [['volumes', '*', 'external'], toBool], [['secrets', '*', 'external'], toBool], [['configs', '*', 'external'], toBool],
];

/** Cast rules indexed by the last path segment (or `*`), so most strings skip the search. */
const CASTS_BY_KEY = new Map<string, Array<[string[], Cast]>>();
for (const rule of CASTS) {
  const last = rule[0][rule[0].length - 1];
  CASTS_BY_KEY.set(last, [...(CASTS_BY_KEY.get(last) ?? []), rule]);
}

function castFor(path: ModelPath): Cast | undefined {
  const last = String(path[path.length - 1]);
  const candidates = [...(CASTS_BY_KEY.get(last) ?? []), ...(path[0] === 'services' && path[2] === 'ulimits' ? (CASTS_BY_KEY.get('*') ?? []) : [])];
  return candidates.find(([pattern]) => matches(path, pattern))?.[1];
}

export interface InterpolateContext {
  lookup: Lookup;
  file: string;
  sources: SourceMap;
  /** Collects "variable is not set" warnings. */
  warn: (message: string) => void;
}

export function interpolateDict(dict: Dict, ctx: InterpolateContext): Dict {
  return walk(dict, [], ctx) as Dict;
}

function walk(value: unknown, path: ModelPath, ctx: InterpolateContext): unknown {
  if (typeof value === 'string') return interpolateString(value, path, ctx);
  if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i], ctx));
  if (isDict(value)) {
    const out: Dict = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, [...path, k], ctx);
    return out;
  }
  return value;
}

function interpolateString(value: string, path: ModelPath, ctx: InterpolateContext): unknown {
  const cast = castFor(path);
  if (!cast && !value.includes('$')) return value;
  let result: string;
  try {
    result = substitute(value, ctx.lookup, {
      onUnset: (name) => ctx.warn(`The "${name}" variable is not set. Defaulting to a blank string.`),
    });
  } catch (e) {
    if (e instanceof MissingRequiredVariable || e instanceof InvalidTemplate) {
      throw composeError(e.message, { ...ctx.sources.locate(path), file: ctx.file });
    }
    throw e;
  }
  if (!cast) return result;
  try {
    return cast(result);
  } catch (e) {
    throw composeError(`failed to cast to expected type: ${(e as Error).message}`, { ...ctx.sources.locate(path), file: ctx.file });
  }
}

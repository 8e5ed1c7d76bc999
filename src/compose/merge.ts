// Step 6: merge a file into the model built from the files before it, with the Compose
// Specification's rules: mappings merge key by key; most sequences are appended and then made
// unique by their key (environment by name, ports by ip:published:target/protocol, volumes by
// target, secrets by target...); command, entrypoint and healthcheck.test are replaced.
import { composeError, formatPath } from './errors.js';
import { goString, isDict, matches, type Dict, type ModelPath } from './dict.js';

type Merger = (base: unknown, over: unknown, path: ModelPath) => unknown;

const replace: Merger = (_b, o) => o;
const toSequence: Merger = (b, o) => [...asSequence(b), ...asSequence(o)];

const SPECIALS: Array<[string[], Merger]> = [
  [['services', '*', 'command'], replace],
  [['services', '*', 'entrypoint'], replace],
  [['services', '*', 'healthcheck', 'test'], replace],
  [['services', '*', 'ulimits', '*'], replace],
  [['services', '*', 'logging'], mergeLogging],
  [['services', '*', 'extra_hosts'], mergeExtraHosts],
  [['services', '*', 'build', 'extra_hosts'], mergeExtraHosts],
  ...[
    ['services', '*', 'annotations'], ['services', '*', 'build', 'args'], ['services', '*', 'build', 'additional_contexts'],
    ['services', '*', 'build', 'labels'], ['services', '*', 'deploy', 'labels'], ['services', '*', 'dns'],
    ['services', '*', 'dns_opt'], ['services', '*', 'dns_search'], ['services', '*', 'env_file'], ['services', '*', 'label_file'],
    ['services', '*', 'environment'], ['services', '*', 'labels'], ['services', '*', 'volumes', '*', 'volume', 'labels'],
    ['services', '*', 'sysctls'], ['services', '*', 'tmpfs'], ['networks', '*', 'labels'], ['volumes', '*', 'labels'],
  ].map((p): [string[], Merger] => [p, toSequence]),
];

/** Merges `over` into `base` (both already canonical); returns the merged model. */
export function mergeModels(base: Dict, over: Dict): Dict {
  return enforceUnicity(mergeValue(base, over, [])) as Dict;
}

export function mergeValue(base: unknown, over: unknown, path: ModelPath): unknown {
  const special = SPECIALS.find(([p]) => matches(path, p));
  if (special) return special[1](base, over, path);
  if (over === null || over === undefined) return base;
  if (isDict(base)) {
    if (!isDict(over)) throw composeError(`cannot override ${formatPath(path)}`);
    const out: Dict = { ...base };
    for (const [k, v] of Object.entries(over)) {
      out[k] = k in base ? mergeValue(base[k], v, [...path, k]) : v;
    }
    return out;
  }
  if (Array.isArray(base)) {
    if (!Array.isArray(over)) throw composeError(`cannot override ${formatPath(path)}`);
    return [...base, ...over];
  }
  return over;
}

function mergeLogging(b: unknown, o: unknown, path: ModelPath): unknown {
  if (!isDict(b) || !isDict(o)) return o ?? b;
  if (b.driver === undefined || o.driver === undefined || b.driver === o.driver) {
    const out: Dict = { ...b };
    for (const [k, v] of Object.entries(o)) out[k] = k in b ? mergeValue(b[k], v, [...path, k]) : v;
    return out;
  }
  return o;
}

function mergeExtraHosts(b: unknown, o: unknown): unknown {
  const right = asSequence(b);
  const left = asSequence(o).filter((v) => !right.includes(v));
  return [...right, ...left];
}

/** A mapping becomes `key=value` entries sorted, as compose-go does before appending. */
export function asSequence(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === 'string') return [v];
  if (isDict(v)) {
    const seq: string[] = [];
    for (const [k, val] of Object.entries(v)) {
      if (val === null || val === undefined) seq.push(k);
      else if (Array.isArray(val)) for (const x of val) seq.push(`${k}=${goString(x)}`);
      else seq.push(`${k}=${goString(val)}`);
    }
    return seq.sort();
  }
  return [];
}

type Indexer = (entry: unknown) => string;

const keyValue: Indexer = (e) => String(e).split('=')[0];
const byTarget: Indexer = (e) => (isDict(e) ? String(e.target) : String(e));
const mount = (prefix: string): Indexer => (e) =>
  isDict(e) ? (e.target !== undefined ? String(e.target) : `${prefix}/${String(e.source)}`) : `${prefix}/${String(e)}`;
const port: Indexer = (e) => {
  if (!isDict(e)) return String(e);
  return `${String(e.host_ip ?? '0.0.0.0')}:${String(e.published ?? '')}:${String(e.target)}/${String(e.protocol ?? 'tcp')}`;
};
const envFile: Indexer = (e) => (isDict(e) ? String(e.path) : String(e));

const UNIQUE: Array<[string[], Indexer]> = [
  [['networks', '*', 'labels'], keyValue], [['services', '*', 'annotations'], keyValue], [['services', '*', 'build', 'args'], keyValue],
  [['services', '*', 'build', 'additional_contexts'], keyValue], [['services', '*', 'build', 'tags'], keyValue],
  [['services', '*', 'build', 'labels'], keyValue], [['services', '*', 'cap_add'], keyValue], [['services', '*', 'cap_drop'], keyValue],
  [['services', '*', 'configs'], mount('')], [['services', '*', 'deploy', 'labels'], keyValue], [['services', '*', 'dns'], keyValue],
  [['services', '*', 'dns_opt'], keyValue], [['services', '*', 'dns_search'], keyValue], [['services', '*', 'environment'], keyValue],
  [['services', '*', 'env_file'], envFile], [['services', '*', 'expose'], (e) => String(e)], [['services', '*', 'labels'], keyValue],
  [['services', '*', 'links'], keyValue], [['services', '*', 'networks', '*', 'aliases'], keyValue],
  [['services', '*', 'ports'], port], [['services', '*', 'profiles'], keyValue], [['services', '*', 'secrets'], mount('/run/secrets')],
  [['services', '*', 'sysctls'], keyValue], [['services', '*', 'tmpfs'], keyValue], [['services', '*', 'volumes'], byTarget],
  [['services', '*', 'devices'], (e) => (isDict(e) ? String(e.target) : (String(e).split(':')[1] ?? String(e)))],
];

/** Only these subtrees hold sequences with uniqueness rules; the rest is not walked. */
const UNIQUE_DEPTH = Math.max(...UNIQUE.map(([p]) => p.length));

/** Later entries with the same key replace earlier ones, in the earlier one's position. */
export function enforceUnicity(value: unknown, path: ModelPath = []): unknown {
  if (path.length >= UNIQUE_DEPTH) return value;
  if (path.length >= 1 && path[0] !== 'services' && path[0] !== 'networks') return value;
  if (isDict(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && typeof v === 'object') value[k] = enforceUnicity(v, [...path, k]);
    }
    return value;
  }
  if (Array.isArray(value)) {
    const rule = UNIQUE.find(([p]) => matches(path, p));
    if (!rule) return value;
    const seq: unknown[] = [];
    const seen = new Map<string, number>();
    for (const entry of value) {
      const key = rule[1](entry);
      const j = seen.get(key);
      if (j !== undefined) seq[j] = entry;
      else {
        seen.set(key, seq.length);
        seq.push(entry);
      }
    }
    return seq;
  }
  return value;
}

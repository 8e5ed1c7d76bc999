// `GET /containers/json?filters=...`: Docker's list filters applied to engine records.
import { invalidArgument } from '../../../common/errors.js';
import type { ContainerRecord } from '../../../engine/types.js';
import { type Filters, matchLabels, matchNoLabels } from '../wire/filters.js';

export const CONTAINER_FILTERS = ['status', 'name', 'label', 'label!', 'ancestor', 'id', 'exited', 'health', 'before', 'since', 'network', 'volume', 'is-task', 'publish', 'expose'] as const;
const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** Strips a default ":latest" and "docker.io/library/" so "busybox" matches "busybox:latest". */
export function normalizeRef(ref: string): string {
  let r = ref.replace(/^docker\.io\/(library\/)?/, '');
  if (!r.includes('@') && !/:[^/]+$/.test(r)) r += ':latest';
  return r;
}

const anyOf = <T>(values: T[] | undefined, pred: (v: T) => boolean) => !values || values.some(pred);

/**
 * Builds a predicate from the filters. `ancestorIds` are image ids the ancestor references resolved to.
 * `all` decides about stopped containers: status filters imply all, as in Docker.
 */
export function containerFilter(filters: Filters, records: ContainerRecord[], ancestorIds: string[] = []): (c: ContainerRecord) => boolean {
  for (const s of filters.get('status') ?? []) if (!STATUSES.includes(s)) throw invalidArgument(`invalid filter 'status=${s}'`);
  for (const h of filters.get('health') ?? []) if (!['starting', 'healthy', 'unhealthy', 'none'].includes(h)) throw invalidArgument(`invalid filter 'health=${h}'`);
  const byRef = (ref: string) => records.find((r) => r.id === ref || r.id.startsWith(ref) || r.name === ref.replace(/^\//, ''));
  const createdOf = (ref: string) => {
    const r = byRef(ref);
    if (!r) throw invalidArgument(`No such container: ${ref}`);
    return Date.parse(r.created);
  };
  const before = filters.get('before')?.map(createdOf);
  const since = filters.get('since')?.map(createdOf);
  return (c) =>
    anyOf(filters.get('status'), (s) => c.state.status === s) &&
    anyOf(filters.get('name'), (n) => { try { return new RegExp(n.replace(/^\//, '')).test(c.name); } catch { return c.name.includes(n); } }) &&
    anyOf(filters.get('id'), (id) => c.id.startsWith(id)) &&
    matchLabels(c.effective.labels, filters.get('label')) &&
    matchNoLabels(c.effective.labels, filters.get('label!')) &&
    anyOf(filters.get('ancestor'), (a) => normalizeRef(c.imageRef) === normalizeRef(a) || c.imageId === a || c.imageId.replace(/^sha256:/, '').startsWith(a.replace(/^sha256:/, '')) || ancestorIds.includes(c.imageId)) &&
    anyOf(filters.get('exited'), (code) => c.state.status === 'exited' && c.state.exitCode === Number(code)) &&
    anyOf(filters.get('health'), (h) => (c.state.health?.status ?? 'none') === h) &&
    (!before || before.every((t) => Date.parse(c.created) < t)) &&
    (!since || since.every((t) => Date.parse(c.created) > t)) &&
    anyOf(filters.get('network'), (n) => Object.values(c.network.endpoints).some((e) => e.networkName === n || e.networkId.startsWith(n)) || c.spec.host.networkMode === n) &&
    anyOf(filters.get('volume'), (v) => c.mounts.some((m) => m.name === v || m.destination === v || m.source === v)) &&
    anyOf(filters.get('expose'), (p) => c.effective.exposedPorts.includes(p.includes('/') ? p : `${p}/tcp`)) &&
    anyOf(filters.get('publish'), (p) => {
      const [port, proto = 'tcp'] = p.split('/');
      return Object.entries(c.network.ports).some(([k, b]) => k === `${port}/${proto}` || (b ?? []).some((x) => x.hostPort === port && k.endsWith(`/${proto}`)));
    }) &&
    anyOf(filters.get('is-task'), (t) => t === 'false');
}

// Engine events → Docker's /events messages, and Docker's event filters.
import type { EngineEvent } from '../../../engine/types.js';
import { type Filters, matchLabels } from '../wire/filters.js';

export const EVENT_FILTERS = ['type', 'event', 'container', 'image', 'label', 'network', 'volume', 'daemon', 'scope', 'plugin', 'node', 'service', 'secret', 'config'];

export function eventJson(e: EngineEvent): Record<string, unknown> {
  const time = Number(e.timeNano / 1_000_000_000n);
  const out: Record<string, unknown> = {};
  // The pre-1.22 fields, still sent by Docker for containers and images.
  if (e.type === 'container' || e.type === 'image') {
    out.status = e.action;
    out.id = e.id;
    if (e.type === 'container' && e.attributes.image) out.from = e.attributes.image;
  }
  out.Type = e.type;
  out.Action = e.action;
  out.Actor = { ID: e.id, Attributes: e.attributes };
  out.scope = 'local';
  out.time = time;
  out.timeNano = Number(e.timeNano);
  return out;
}

/** One /events line. timeNano is written exactly: a JS number would round its last digits. */
export function eventJsonText(e: EngineEvent): string {
  const { timeNano: _, ...rest } = eventJson(e);
  return `${JSON.stringify(rest).slice(0, -1)},"timeNano":${e.timeNano.toString()}}`;
}

/** Docker's filters: absent key matches all; present key matches when any of its values does. */
const anyOf = (values: string[] | undefined, pred: (v: string) => boolean) => !values || values.some(pred);
/** "busybox:1.36" → "busybox", leaving a registry port ("host:5000/x") alone. */
const stripTag = (ref: string) => ref.replace(/@.*$/, '').replace(/:[^:/]*$/, '');
/** Docker's fuzzy match: the value itself or a prefix of it. */
const fuzzy = (subject: string | undefined, v: string) => subject !== undefined && subject !== '' && subject.startsWith(v);

/**
 * `event=exec_start` also matches "exec_start: sh -c ..." (and so for exec_create and health_status),
 * as Docker matches by prefix once any of those three is in the filter.
 */
function eventMatcher(wanted: string[] | undefined): (action: string) => boolean {
  if (!wanted) return () => true;
  const prefix = wanted.some((w) => w === 'health_status' || w === 'exec_create' || w === 'exec_start');
  return (action) => wanted.some((w) => (prefix ? action.startsWith(w) : action === w));
}

export function eventFilter(filters: Filters): (e: EngineEvent) => boolean {
  // container, network, volume and daemon filters: events of that type whose id or name starts with a value.
  const byName = (type: EngineEvent['type']) => (e: EngineEvent) =>
    anyOf(filters.get(type), (v) => e.type === type && (fuzzy(e.id, v) || fuzzy(e.attributes.name, v)));
  const container = byName('container');
  const network = byName('network');
  const volume = byName('volume');
  const daemon = byName('daemon');
  const event = eventMatcher(filters.get('event'));
  // image: an image event's id or name, or a container event's image, with or without its tag.
  const image = (e: EngineEvent) => anyOf(filters.get('image'), (v) => {
    const name = e.type === 'image' ? e.attributes.name : e.attributes.image;
    return [e.id, name, stripTag(e.id), name === undefined ? undefined : stripTag(name)].some((x) => x === v);
  });
  return (e) =>
    anyOf(filters.get('type'), (t) => e.type === t) &&
    event(e.action) &&
    anyOf(filters.get('scope'), (s) => s === 'local') &&
    daemon(e) && container(e) && network(e) && volume(e) && image(e) &&
    // Swarm objects never happen on a single engine.
    !['plugin', 'node', 'service', 'secret', 'config'].some((k) => filters.has(k)) &&
    matchLabels(e.attributes, filters.get('label'));
}

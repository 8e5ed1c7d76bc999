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

const anyOf = (values: string[] | undefined, pred: (v: string) => boolean) => !values || values.some(pred);

/** "exec_start: sh -c ..." and "health_status: healthy" match the filter before the colon too. */
function actionMatches(action: string, wanted: string): boolean {
  if (action === wanted) return true;
  const base = action.split(':')[0];
  return base === wanted;
}

export function eventFilter(filters: Filters): (e: EngineEvent) => boolean {
  const byType = (type: EngineEvent['type'], key: string) => (e: EngineEvent) => {
    const values = filters.get(key);
    if (!values) return true;
    if (e.type !== type) return false;
    return values.some((v) => e.id === v || e.id.startsWith(v) || e.attributes.name === v);
  };
  const container = byType('container', 'container');
  const network = byType('network', 'network');
  const volume = byType('volume', 'volume');
  return (e) =>
    anyOf(filters.get('type'), (t) => e.type === t) &&
    anyOf(filters.get('event'), (a) => actionMatches(e.action, a)) &&
    anyOf(filters.get('scope'), (s) => s === 'local') &&
    container(e) && network(e) && volume(e) &&
    anyOf(filters.get('image'), (img) =>
      (e.type === 'image' && (e.id === img || e.id.startsWith(img) || e.attributes.name === img)) ||
      (e.type === 'container' && (e.attributes.image === img || e.attributes.image === `${img}:latest`))) &&
    matchLabels(e.attributes, filters.get('label')) &&
    anyOf(filters.get('daemon'), () => e.type === 'daemon');
}

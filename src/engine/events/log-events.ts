// Every engine event also goes to berthd's own log, with the ids it concerns, so an operator
// reading the daemon log sees each container's life (create, start, die with its exit code, ...)
// without a client attached to /events.
import type { EventBus } from './bus.js';
import type { LogFn } from '../containers/runtime-context.js';
import type { EngineEvent } from '../types.js';

/** Attributes worth a log field; labels and the rest stay in /events. */
const FIELDS = ['name', 'image', 'exitCode', 'signal', 'container', 'oldName', 'execID', 'destination', 'type', 'error'];

/** Frequent, per-request actions: debug level, so the default log shows lifecycles, not traffic. */
const CHATTY = new Set(['attach', 'exec_create', 'exec_start', 'exec_die', 'resize', 'top', 'export', 'commit', 'copy', 'archive-path', 'extract-to-dir']);

export function eventLogFields(e: EngineEvent): Record<string, string> {
  const fields: Record<string, string> = { [e.type === 'daemon' ? 'daemon' : e.type]: e.id };
  for (const k of FIELDS) if (e.attributes[k] !== undefined) fields[k] = e.attributes[k];
  return fields;
}

export function logEvents(bus: EventBus, log: LogFn): () => void {
  return bus.on((e) => {
    const action = e.action.split(':')[0];
    log(CHATTY.has(action) ? 'debug' : 'info', `${e.type} ${e.action}`, eventLogFields(e));
  });
}

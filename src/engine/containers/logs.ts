// `logs`: lines from the container's k8s-file log, filtered by stream, since/until and tail,
// optionally followed until the container stops or the caller aborts.
import type { LogLine, LogOptions } from '../types.js';
import { readLog } from '../runtime/k8s-log.js';
import type { Lifecycle } from './lifecycle.js';
import { rotatedFiles } from './log-rotation.js';

/** conmon writes "+00:00"; Docker clients expect RFC 3339 with "Z". */
export function normalizeTime(t: string): string {
  return t.endsWith('+00:00') ? `${t.slice(0, -6)}Z` : t;
}

function timeSeconds(t: string): number {
  // Keep sub-millisecond digits out of Date.parse's way.
  return Date.parse(t.replace(/(\.\d{3})\d+/, '$1')) / 1000;
}

export async function* containerLogs(lc: Lifecycle, idOrName: string, opts: LogOptions, signal?: AbortSignal): AsyncGenerator<LogLine> {
  const rec = lc.find(idOrName);
  const want = (l: LogLine) => (l.stream === 'stdout' ? opts.stdout : opts.stderr)
    && (opts.since === undefined || opts.since <= 0 || timeSeconds(l.time) >= opts.since)
    && (opts.until === undefined || opts.until <= 0 || timeSeconds(l.time) <= opts.until);
  const out = (l: LogLine): LogLine => ({ ...l, time: normalizeTime(l.time) });
  let offset = 0;
  const rotated = await rotatedFiles(rec.logPath);
  if (opts.tail !== undefined && opts.tail >= 0) {
    const ring: LogLine[] = [];
    for (const file of [...rotated, rec.logPath]) {
      for await (const l of readLog(file, { follow: false, signal })) {
        if (file === rec.logPath) offset = l.offset;
        if (opts.tail === 0 || !want(l)) continue;
        ring.push(l);
        if (ring.length > opts.tail) ring.shift();
      }
    }
    for (const l of ring) yield out(l);
    if (!opts.follow) return;
  } else {
    for (const file of rotated) {
      for await (const l of readLog(file, { follow: false, signal })) {
        if (opts.until !== undefined && opts.until > 0 && timeSeconds(l.time) > opts.until) return;
        if (want(l)) yield out(l);
      }
    }
  }
  // A follow ends at the container's next exit, also when a restart policy brings it back (as
  // Docker's does: a client that wants the next run follows again, as docker compose does).
  const exit = lc.nextExit(rec.id);
  let exited = false;
  void exit.promise.then(() => { exited = true; });
  const isOver = () => { const r = lc.records.get(rec.id); return exited || !r || !lc.isRunning(r); };
  try {
    for await (const l of readLog(rec.logPath, { follow: opts.follow, offset, isOver, wakeOn: exit.promise, signal })) {
      if (opts.until !== undefined && opts.until > 0 && timeSeconds(l.time) > opts.until) return;
      if (want(l)) yield out(l);
    }
  } finally {
    exit.cancel();
  }
}

// Where berthd's time goes: its debug request log (one JSON line per request with `ms`, the time
// from request to response end, or to hijack for attach/exec streams) summarised per endpoint.
import { readFileSync } from 'node:fs';
import { summarise, type Summary } from './stats.js';

interface RequestLine { msg?: string; method?: string; path?: string; ms?: number }

/** Replaces ids and the version prefix so requests group by endpoint. */
const endpoint = (method: string, path: string) =>
  `${method} ${path.replace(/^\/v[0-9.]+/, '').replace(/\/[0-9a-f]{12,64}(?=\/|$)/g, '/{id}')}`;

/** Per-endpoint times of the requests logged between byte offsets `from` and `to` of the log. */
export function requestTimes(logFile: string, from = 0, to = Infinity): Map<string, Summary> {
  return requestTimesOver(logFile, [[from, to]]);
}

/** The same over several byte ranges of the log (e.g. every cold `up` of a run). */
export function requestTimesOver(logFile: string, ranges: [number, number][]): Map<string, Summary> {
  const byEndpoint = new Map<string, number[]>();
  const log = readFileSync(logFile);
  for (const line of ranges.flatMap(([from, to]) => log.subarray(from, to).toString('utf8').split('\n'))) {
    if (!line.startsWith('{')) continue;
    let r: RequestLine;
    try { r = JSON.parse(line) as RequestLine; } catch { continue; }
    if (r.msg !== 'request' || !r.method || !r.path || typeof r.ms !== 'number') continue;
    const key = endpoint(r.method, r.path);
    byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), r.ms]);
  }
  return new Map([...byEndpoint].map(([k, v]) => [k, summarise(v)]));
}

interface PhaseLine { msg?: string; op?: string; id?: string; [phase: string]: unknown }

/** Per-phase times of berthd's `phases` debug lines (container start, exit handling) between two offsets. */
export function phaseTimes(logFile: string, from = 0, to = Infinity): Map<string, Summary> {
  return phaseTimesOver(logFile, [[from, to]]);
}

/** The same over several byte ranges of the log. */
export function phaseTimesOver(logFile: string, ranges: [number, number][]): Map<string, Summary> {
  const byPhase = new Map<string, number[]>();
  const log = readFileSync(logFile);
  for (const line of ranges.flatMap(([from, to]) => log.subarray(from, to).toString('utf8').split('\n'))) {
    if (!line.startsWith('{')) continue;
    let r: PhaseLine;
    try { r = JSON.parse(line) as PhaseLine; } catch { continue; }
    if (r.msg !== 'phases' || !r.op) continue;
    for (const [k, v] of Object.entries(r)) {
      if (typeof v !== 'number' || k === 'time' || k === 'pid') continue;
      const key = `${r.op}: ${k}`;
      byPhase.set(key, [...(byPhase.get(key) ?? []), v]);
    }
  }
  return new Map([...byPhase].map(([k, v]) => [k, summarise(v)]));
}

export function printPhaseTimes(title: string, times: Map<string, Summary>): void {
  console.log(`\n# berthd phases (debug log), ${title}, ms`);
  for (const [k, s] of times) {
    console.log(`${k.padEnd(44)} n=${String(s.n).padStart(4)}  median ${s.median.toFixed(1).padStart(7)}  p90 ${s.p90.toFixed(1).padStart(7)}`);
  }
}

export function printRequestTimes(title: string, times: Map<string, Summary>): void {
  console.log(`\n# berthd request times (debug log), ${title}, ms`);
  for (const [k, s] of [...times].sort((a, b) => b[1].median * b[1].n - a[1].median * a[1].n)) {
    console.log(`${k.padEnd(44)} n=${String(s.n).padStart(4)}  median ${s.median.toFixed(1).padStart(7)}  p90 ${s.p90.toFixed(1).padStart(7)}`);
  }
}

// A real Prometheus text-format parser (npm parse-prometheus-text-format, prom2json's output shape)
// with types, and lookups the metrics tests share.
import { createRequire } from 'node:module';

export interface PromMetric { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string; sum?: string }
export interface PromFamily { name: string; help: string; type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED'; metrics: PromMetric[] }

const require = createRequire(import.meta.url);
const parser = require('parse-prometheus-text-format') as ((text: string) => PromFamily[]) | { default: (text: string) => PromFamily[] };
const parseFn = typeof parser === 'function' ? parser : parser.default;

export function parsePrometheus(text: string): Map<string, PromFamily> {
  return new Map(parseFn(text).map((f) => [f.name, f]));
}

/** The value of the one series of `family` whose labels include `labels`; undefined when none. */
export function promValue(families: Map<string, PromFamily>, family: string, labels: Record<string, string> = {}): number | undefined {
  const f = families.get(family);
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m?.value === undefined ? undefined : Number(m.value);
}

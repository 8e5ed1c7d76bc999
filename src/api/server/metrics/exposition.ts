// Prometheus text exposition format (version 0.0.4): HELP and TYPE lines, then one sample a line
// with escaped label values. Families are built elsewhere; this only writes them.
export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  labels?: Record<string, string>;
  /** The labels already written as `k="v",...` (labelPairs): a container's labels are escaped once per scrape, not once per series. */
  pairs?: string;
  value: number;
  /** "_bucket", "_sum", "_count" for histograms; '' otherwise */
  suffix?: string;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: MetricType;
  samples: Sample[];
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const NEEDS_ESCAPE = /[\\\n"]/;
const escapeLabel = (v: string) => (NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : v);
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** `k="v",k2="v2"` with values escaped; join two with a comma to add labels. */
export function labelPairs(labels: Record<string, string>): string {
  let out = '';
  for (const k in labels) out += `${out ? ',' : ''}${k}="${escapeLabel(labels[k])}"`;
  return out;
}

export function renderExposition(families: MetricFamily[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const pairs = s.pairs ?? (s.labels ? labelPairs(s.labels) : '');
      out.push(`${f.name}${s.suffix ?? ''}${pairs ? `{${pairs}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return out.join('\n') + '\n';
}

// Value types Compose prints in Go's formats: durations (`1m30s`, via Go's Duration.String) and
// byte sizes (`512m` → 536870912, Docker's binary units).

const DURATION_UNITS: Record<string, number> = {
  ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9, w: 604800e9,
};

/** Parses `1m30s`, `1.5h`, `2d`... into nanoseconds; throws on bad input. */
export function parseDuration(input: string | number): number {
  const s = String(input).trim();
  if (s === '0') return 0;
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h|d|w)/gy;
  let sign = 1;
  let rest = s;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '') throw new Error(`invalid duration ${JSON.stringify(s)}`);
  let total = 0;
  re.lastIndex = 0;
  let pos = 0;
  while (pos < rest.length) {
    re.lastIndex = pos;
    const m = re.exec(rest);
    if (!m) throw new Error(`invalid duration ${JSON.stringify(s)}`);
    total += Number(m[1]) * DURATION_UNITS[m[2]];
    pos = re.lastIndex;
  }
  return sign * Math.round(total);
}

function fmtFrac(v: number, unit: number): string {
  const whole = Math.floor(v / unit);
  const frac = v % unit;
  if (frac === 0) return String(whole);
  const digits = String(unit).length - 1;
  return `${whole}.${String(frac).padStart(digits, '0').replace(/0+$/, '')}`;
}

/** Go's time.Duration.String(). */
export function formatDuration(ns: number): string {
  if (ns === 0) return '0s';
  const neg = ns < 0;
  let d = Math.abs(ns);
  let out: string;
  if (d < 1e3) out = `${d}ns`;
  else if (d < 1e6) out = `${fmtFrac(d, 1e3)}µs`;
  else if (d < 1e9) out = `${fmtFrac(d, 1e6)}ms`;
  else {
    const h = Math.floor(d / 3600e9);
    d -= h * 3600e9;
    const m = Math.floor(d / 60e9);
    d -= m * 60e9;
    out = `${fmtFrac(d, 1e9)}s`;
    if (h > 0) out = `${h}h${m}m${out}`;
    else if (m > 0) out = `${m}m${out}`;
  }
  return neg ? `-${out}` : out;
}

const BYTE_UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Docker's RAMInBytes: `512m`, `1.5g`, `100kb`, `2GiB`, or a plain number of bytes. */
export function parseBytes(input: string | number): number {
  if (typeof input === 'number') return Math.trunc(input);
  if (/^-?\d+$/.test(input)) return Number(input);
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(input);
  if (!m) throw new Error(`invalid size: '${input}'`);
  return Math.trunc(Number(m[1]) * BYTE_UNITS[(m[2] ?? '').toLowerCase()]);
}

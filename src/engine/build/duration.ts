// Go's time.ParseDuration for HEALTHCHECK flags ("30s", "1m30s", "500ms"), in nanoseconds.
import { invalidArgument } from '../../common/errors.js';

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

export function parseDuration(s: string, flag: string): number {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) { total += Number(m[1]) * UNITS[m[2]]; pos = re.lastIndex; }
  if (s === '' || pos !== s.length) throw invalidArgument(`invalid argument "${s}" for "--${flag}" flag: time: invalid duration "${s}"`);
  if (total !== 0 && total < 1e6) throw invalidArgument(`Interval "${flag}" cannot be less than 1ms`);
  return Math.round(total);
}

// Structured daemon logs: one JSON object per line (level, time, msg, fields) or a readable text line.
import type { LogLevel } from './flags.js';

export type Log = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => void;

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function textValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return /[\s"=]/.test(s ?? '') ? JSON.stringify(s) : String(s);
}

export function makeLogger(opts: { level: LogLevel; format: 'json' | 'text'; out?: NodeJS.WritableStream }): Log {
  const out = opts.out ?? process.stderr;
  const min = RANK[opts.level];
  return (level, msg, fields) => {
    if (RANK[level] < min) return;
    const time = new Date().toISOString();
    if (opts.format === 'json') {
      out.write(JSON.stringify({ level, time, msg, ...fields }, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) + '\n');
      return;
    }
    const rest = fields ? Object.entries(fields).map(([k, v]) => ` ${k}=${textValue(v)}`).join('') : '';
    out.write(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest}\n`);
  };
}

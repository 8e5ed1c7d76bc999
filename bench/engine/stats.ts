// Timing one command and summarising samples (median, p90) for the engine benchmark.
import { spawn, spawnSync } from 'node:child_process';

export interface Summary { median: number; p90: number; min: number; max: number; n: number }

export function summarise(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  const m = s.length >> 1;
  const median = s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  return { median, p90: at(0.9), min: s[0], max: s[s.length - 1], n: s.length };
}

/** Runs argv to completion with DOCKER_HOST set; returns wall milliseconds, throws on a non-zero exit. */
export function timeCommand(argv: string[], host: string): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, DOCKER_HOST: host }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n')[0]}`);
  return ms;
}

/** Like timeCommand but without blocking the event loop (for running several at once). */
export function runAsync(argv: string[], host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, DOCKER_HOST: host }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${argv.join(' ')} exited ${code}: ${err.trim().split('\n')[0]}`))));
  });
}

export function loadAverage(): string {
  return spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.split(' ').slice(0, 3).join(' ');
}

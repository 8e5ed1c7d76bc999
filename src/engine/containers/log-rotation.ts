// Docker's max-size/max-file for container logs. conmon writes one file; while berthd runs it
// rotates: log → log.1 → … → log.<max-file − 1>, then tells conmon (ctl "2 0 0") to reopen its log.
// conmon's own --log-size-max is used only without max-file: it replaces the file early and on its
// own count, which fights our rotation; so with max-file the live file is unbounded while berthd is away.
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ContainerRecord } from '../types.js';
import { invalidArgument } from '../../common/errors.js';

export interface LogPolicy { maxSize?: number; maxFile: number }

/** Docker log-opt sizes: "10m", "1g", "500k", bytes. */
export function parseSize(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(s.trim());
  if (!m) throw invalidArgument(`invalid size: ${s}`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.floor(Number(m[1]) * mult);
}

export function logPolicy(rec: ContainerRecord): LogPolicy {
  const cfg = rec.spec.host.logConfig?.config ?? {};
  const maxFile = cfg['max-file'] ? Number(cfg['max-file']) : 1;
  if (!Number.isInteger(maxFile) || maxFile < 1) throw invalidArgument(`invalid value for max-file: ${cfg['max-file']}`);
  return { maxSize: parseSize(cfg['max-size']), maxFile };
}

/** conmon's own bound on the live file (max-file 1 only). */
export function conmonLogSizeMax(p: LogPolicy): number | undefined {
  return p.maxFile > 1 ? undefined : p.maxSize;
}

/** Rotated files of a log, oldest first (log.3, log.2, log.1). */
export async function rotatedFiles(logPath: string): Promise<string[]> {
  const base = basename(logPath);
  const names = await readdir(dirname(logPath)).catch(() => [] as string[]);
  return names
    .map((n) => ({ n, i: n.startsWith(`${base}.`) ? Number(n.slice(base.length + 1)) : NaN }))
    .filter((x) => Number.isInteger(x.i) && x.i > 0)
    .sort((a, b) => b.i - a.i)
    .map((x) => join(dirname(logPath), x.n));
}

/** Rotates when the live file reached max-size; returns whether it did. */
export async function rotateIfNeeded(logPath: string, ctlFifo: string, p: LogPolicy): Promise<boolean> {
  if (!p.maxSize || p.maxFile < 2) return false;
  const size = await stat(logPath).then((s) => s.size, () => 0);
  if (size < p.maxSize) return false;
  await rm(`${logPath}.${p.maxFile - 1}`, { force: true });
  for (let i = p.maxFile - 2; i >= 1; i--) await rename(`${logPath}.${i}`, `${logPath}.${i + 1}`).catch(() => undefined);
  await rename(logPath, `${logPath}.1`);
  // conmon keeps writing to the renamed file until it reopens the path.
  const fh = await open(ctlFifo, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
  if (fh) { try { await fh.write('2 0 0\n'); } finally { await fh.close(); } }
  return true;
}

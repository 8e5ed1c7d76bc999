// A lock shared by every berth daemon on the host (a directory under /run holding the owner's pid),
// held while a daemon picks a subnet and brings its bridge up, so two daemons never pick the same
// free subnet at the same moment. A lock whose owner is dead, or that is older than STALE_MS, is broken.
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unavailable } from '../../common/errors.js';

export const HOST_LOCK = '/run/berth-network.lock';
const STALE_MS = 10_000;
const WAIT_MS = 15_000;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export async function withHostLock<T>(fn: () => Promise<T>, path = HOST_LOCK): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await mkdir(path);
      await writeFile(join(path, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(await readFile(join(path, 'pid'), 'utf8').catch(() => '0'));
      const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? Date.now());
      if ((pid > 0 && !alive(pid)) || age > STALE_MS) {
        await rm(path, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw unavailable(`another berth daemon holds ${path} (pid ${pid || 'unknown'})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { recursive: true, force: true });
  }
}

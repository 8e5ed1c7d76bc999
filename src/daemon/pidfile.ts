// berthd.pid under the exec root: written at start, removed at a clean exit; a pidfile naming
// a live berthd means another daemon owns this exec root.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failedPrecondition } from '../common/errors.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isBerthd(pid: number): Promise<boolean> {
  try {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmd.includes('berthd');
  } catch {
    return false;
  }
}

export async function writePidfile(execRoot: string): Promise<string> {
  const path = join(execRoot, 'berthd.pid');
  const old = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
  if (old && old !== process.pid && alive(old) && (await isBerthd(old))) {
    throw failedPrecondition(`another berthd (pid ${old}) is using the exec root ${execRoot}`);
  }
  await writeFile(path, `${process.pid}\n`, { mode: 0o644 });
  return path;
}

export async function removePidfile(path: string): Promise<void> {
  await unlink(path).catch(() => undefined);
}

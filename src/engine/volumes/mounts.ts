// Mount helpers for volumes with driver options (tmpfs, bind, a device of some filesystem type).
import { readFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { internal } from '../../common/errors.js';

/** Is `path` a mount point (per /proc/self/mountinfo)? */
export async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((l) => unescapeMount(l.split(' ')[4] ?? '') === path);
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function runMount(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(internal(`${cmd} ${args.join(' ')}: ${err.trim() || `exit ${code}`}`))));
  });
}

/** mount(8) for the local driver's options: `type=tmpfs`, `type=none o=bind device=/path`, or any fs type. */
export async function mountVolume(options: Record<string, string>, target: string): Promise<void> {
  const type = options.type ?? 'none';
  const o = options.o ?? '';
  const device = options.device ?? (type === 'tmpfs' ? 'tmpfs' : '');
  const args = type === 'none' ? [] : ['-t', type];
  if (o) args.push('-o', o);
  await runMount('mount', [...args, device, target]);
}

export async function unmount(target: string): Promise<void> {
  await runMount('umount', [target]);
}

/** Copies a directory's content into an empty one, keeping owners, modes, links and times. */
export async function copyContent(from: string, to: string): Promise<void> {
  await runMount('cp', ['-a', `${from}/.`, to]);
}

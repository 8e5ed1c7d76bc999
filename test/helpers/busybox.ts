// Test images made offline from Debian's busybox-static: a rootfs directory or tar with every
// applet linked, a passwd/group with root and nobody, and the usual empty mount points.
import { execFileSync } from 'node:child_process';
import { mkdirSync, copyFileSync, symlinkSync, writeFileSync, existsSync, mkdtempSync, chmodSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';

export const BUSYBOX = '/bin/busybox';
export const BUSYBOX_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function makeBusyboxRootfs(dir: string): string {
  if (!existsSync(BUSYBOX)) throw new Error('busybox-static is not installed (apt-get install busybox-static)');
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'var/www', 'home']) {
    mkdirSync(join(dir, d), { recursive: true });
  }
  chmodSync(join(dir, 'tmp'), 0o1777);
  copyFileSync(BUSYBOX, join(dir, 'bin/busybox'));
  chmodSync(join(dir, 'bin/busybox'), 0o755);
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const applet of applets) {
    const target = join(dir, applet);
    if (applet === 'bin/busybox' || existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync('/bin/busybox', target);
  }
  writeFileSync(join(dir, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(dir, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  return dir;
}

/** A rootfs tar (as `docker export` would give) of the busybox rootfs; returns its path. */
export function makeBusyboxTar(outFile?: string): string {
  const work = mkdtempSync(join(tmpdir(), 'berth-busybox-'));
  const root = makeBusyboxRootfs(join(work, 'rootfs'));
  const out = outFile ?? join(work, 'busybox.tar');
  try {
    execFileSync('tar', ['-C', root, '--numeric-owner', '-cf', out, '.']);
  } finally {
    // The rootfs was only a staging area; with an explicit output file the whole work dir goes.
    rmSync(outFile ? work : root, { recursive: true, force: true });
  }
  // A tar in our own work dir is the caller's until this process ends; then it goes, so that no
  // test run leaves one behind in /tmp.
  if (!outFile) process.once('exit', () => rmSync(work, { recursive: true, force: true }));
  return out;
}

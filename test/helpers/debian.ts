// Debian base images for tests and examples, made offline by scripts/make-debian-images.sh
// (debootstrap from the host's Debian mirror) and cached under /var/cache/berth-test/debian, so
// only the first use anywhere on the machine pays the ~40 s.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
const SCRIPT = join(REPO, 'scripts/make-debian-images.sh');

export interface DebianTars { full: string; slim: string }

/** Paths of the bookworm rootfs tars (full and -slim), building them on first use. */
export function debianTars(suite = 'bookworm'): DebianTars {
  const out = execFileSync('bash', [SCRIPT, '--suite', suite, '--print'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [full, slim] = out.trim().split('\n');
  if (!full || !slim || !existsSync(full) || !existsSync(slim)) throw new Error(`make-debian-images.sh printed no tars: ${out}`);
  return { full, slim };
}

/** The rootfs tar of debian:<suite> (built on first use). */
export function debianTar(suite = 'bookworm'): string {
  return debianTars(suite).full;
}

/** What `docker import` needs to make the tar look like the Hub's debian image. */
export const DEBIAN_IMPORT_CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["bash"]'];

/** Whether debootstrap can run here (root, debootstrap installed): tests skip otherwise. */
export function canMakeDebian(): boolean {
  return process.getuid?.() === 0 && existsSync('/usr/sbin/debootstrap');
}

// Reference floor: a bare `runc run` of busybox's `true` from a plain bundle (runc's default spec,
// no engine, no monitor), so the engines' own overhead can be read off the table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../../test/helpers/busybox.js';

export interface RuncBundle { time(): number; remove(): void }

export function makeRuncBundle(): RuncBundle {
  const dir = mkdtempSync(join(tmpdir(), 'bench-runc-'));
  makeBusyboxRootfs(join(dir, 'rootfs'));
  execFileSync('runc', ['spec'], { cwd: dir });
  const spec = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { process: { args: string[]; terminal: boolean } };
  spec.process.args = ['/bin/true'];
  spec.process.terminal = false;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(spec));
  let n = 0;
  return {
    time() {
      const id = `bench-ref-${process.pid}-${n++}`;
      const t0 = process.hrtime.bigint();
      execFileSync('runc', ['--root', join(dir, 'state'), 'run', '-b', dir, id], { stdio: 'ignore' });
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

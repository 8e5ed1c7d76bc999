// Reference floor: a bare `runc run` of busybox's `true` from a plain bundle (runc's default spec,
// no engine, no monitor), so the engines' own overhead can be read off the table.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../../test/helpers/busybox.js';

export interface RuncBundle {
  /** `runc run` of true (or `<runtime> run` with another runtime binary): one invocation, no monitor. */
  time(runtime?: string): number;
  /** The steps an engine takes, without a monitor: `runc create`, `runc start`, wait, `runc delete`. */
  timeSteps(): number;
  remove(): void;
}

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
    time(runtime = 'runc') {
      const id = `bench-ref-${process.pid}-${n++}`;
      const t0 = process.hrtime.bigint();
      execFileSync(runtime, ['--root', join(dir, runtime === 'runc' ? 'state' : 'state-other'), 'run', '-b', dir, id], { stdio: 'ignore' });
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
    timeSteps() {
      const id = `bench-ref-${process.pid}-${n++}`;
      const runc = (...args: string[]) => execFileSync('runc', ['--root', join(dir, 'state'), ...args], { stdio: ['ignore', 'pipe', 'ignore'], encoding: 'utf8' });
      const t0 = process.hrtime.bigint();
      // The container inherits create's stdio: a pipe there would hold create's output open until
      // the container exits (after start), so it gets /dev/null.
      execFileSync('runc', ['--root', join(dir, 'state'), 'create', '-b', dir, id], { stdio: 'ignore' });
      runc('start', id);
      while ((JSON.parse(runc('state', id)) as { status: string }).status !== 'stopped') { /* true exits at once */ }
      runc('delete', id);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

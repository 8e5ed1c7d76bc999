// A berthd with a busybox image for build tests, and helpers to write a context directory and
// run `berth build` / `berth run` against it. Everything is removed by stop().
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { runBerth, type CliResult } from '../cli/engine.js';

export interface BuildFixture {
  daemon: TestDaemon;
  work: string;
  /** A fresh context dir with these files ("path": content). */
  context(files: Record<string, string>): string;
  berth(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<CliResult>;
  /** `berth build` that must succeed; returns its output. */
  build(dir: string, args?: string[]): Promise<string>;
  /** Output of a command run in a new container of `image`. */
  run(image: string, cmd: string[]): Promise<string>;
  inspect(image: string): Promise<{ Id: string; Config: Record<string, unknown>; RootFS: { Layers: string[] }; Author?: string }>;
  stop(): Promise<void>;
}

export async function startBuildFixture(): Promise<BuildFixture> {
  const daemon = await startTestDaemon();
  const work = mkdtempSync(join(tmpdir(), 'berth-build-'));
  const berth = (args: string[], opts: { input?: string; timeoutMs?: number } = {}) => runBerth(daemon.dockerHost, args, { timeoutMs: 120_000, ...opts });
  const tar = makeBusyboxTar(join(work, 'busybox.tar'));
  const imported = await berth(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tar, 'busybox:latest']);
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  let n = 0;
  const fx: BuildFixture = {
    daemon, work, berth,
    context(files) {
      const dir = join(work, `ctx${n++}`);
      mkdirSync(dir, { recursive: true });
      for (const [p, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        writeFileSync(join(dir, p), content);
      }
      return dir;
    },
    async build(dir, args = []) {
      const r = await berth(['build', ...args, dir]);
      if (r.code !== 0) throw new Error(`build failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    },
    async run(image, cmd) {
      const r = await berth(['run', '--rm', image, ...cmd]);
      if (r.code !== 0) throw new Error(`run failed (${r.code}): ${r.stderr}`);
      return r.stdout;
    },
    async inspect(image) {
      const r = await berth(['image', 'inspect', image]);
      if (r.code !== 0) throw new Error(`inspect failed: ${r.stderr}`);
      return (JSON.parse(r.stdout) as BuildFixture['inspect'] extends (i: string) => Promise<infer T> ? T[] : never)[0];
    },
    async stop() {
      await daemon.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
  return fx;
}

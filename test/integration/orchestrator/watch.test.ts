// `compose watch` on berthd and on Docker: develop.watch rules applied as files change — sync
// (a new file, a changed one, a deleted one, an ignored one left alone), sync+restart, and
// rebuild (the image built again and the container recreated from it).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH, onEachEngine } from './engine.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

onEachEngine('orw', (fx) => {
  const { project, ok } = fx;

  /** Polls `check` until it holds (the watcher works in the background); fails with what it last saw. */
  async function eventually(what: string, check: () => Promise<boolean>, seen: () => string): Promise<void> {
    const deadline = Date.now() + 45_000;
    while (!(await check())) {
      if (Date.now() > deadline) assert.fail(`${what} did not happen within 45 s:\n${seen()}`);
      await sleep(300);
    }
  }

  fx.test('watch syncs, ignores, deletes, restarts and rebuilds as develop.watch says', async (t) => {
    const ctx = join(fx.dir, 'watched');
    rmSync(ctx, { recursive: true, force: true });
    mkdirSync(join(ctx, 'app'), { recursive: true });
    mkdirSync(join(ctx, 'conf'));
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox:latest\nCOPY version.txt /version.txt\n');
    writeFileSync(join(ctx, 'version.txt'), 'v1\n');
    const p = project('watch', `services:
  web:
    build: ./watched
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
    develop:
      watch:
        - {action: sync, path: ./watched/app, target: /srv/app, ignore: ["*.tmp"]}
        - {action: sync+restart, path: ./watched/conf, target: /etc/web}
        - {action: rebuild, path: ./watched/version.txt}
`);
    const child = spawn(BERTH, ['compose', '-f', `${p}.yaml`, 'watch'], { cwd: fx.dir, env: { ...process.env, DOCKER_HOST: fx.engine.host }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const closed = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); });
    const seen = () => out;
    const cat = async (path: string) => {
      const r = await fx.compose(p, ['exec', '-T', 'web', 'cat', path]);
      return r.code === 0 ? r.stdout : undefined;
    };
    await eventually('Watch enabled', async () => out.includes('Watch enabled'), seen);
    const web = () => fx.engine.client.containers.inspect(`${p}-web-1`);
    const first = await web();

    writeFileSync(join(ctx, 'app/hello.txt'), 'one\n');
    writeFileSync(join(ctx, 'app/scratch.tmp'), 'ignored\n');
    await eventually('the new file synced', async () => (await cat('/srv/app/hello.txt')) === 'one\n', seen);
    assert.match(out, /Syncing service "web" after \d+ changes? w(as|ere) detected/);
    writeFileSync(join(ctx, 'app/hello.txt'), 'two\n');
    await eventually('the changed file synced', async () => (await cat('/srv/app/hello.txt')) === 'two\n', seen);
    rmSync(join(ctx, 'app/hello.txt'));
    await eventually('the deleted file gone', async () => (await cat('/srv/app/hello.txt')) === undefined, seen);
    assert.equal(await cat('/srv/app/scratch.tmp'), undefined, 'an ignored file is not synced');

    writeFileSync(join(ctx, 'conf/web.conf'), 'port=1\n');
    await eventually('the conf synced and the container restarted', async () =>
      (await cat('/etc/web/web.conf')) === 'port=1\n' && (await web()).State.StartedAt !== first.State.StartedAt, seen);
    assert.equal((await web()).Id, first.Id, 'sync+restart keeps the container');

    writeFileSync(join(ctx, 'version.txt'), 'v2\n');
    await eventually('the image rebuilt and the container recreated', async () => (await cat('/version.txt')) === 'v2\n', seen);
    assert.notEqual((await web()).Id, first.Id);
    assert.match(out, /Rebuilding service "web" after changes were detected\.\.\./);

    child.kill('SIGINT');
    assert.equal(await closed, 0, out);
    await ok(p, ['down', '-t', '0', '--rmi', 'local']);
  });

  fx.test('watch without any develop.watch rule says so', async () => {
    const p = project('nowatch', 'services:\n  box:\n    image: busybox\n');
    const r = await fx.compose(p, ['watch', '--no-up']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /none of the selected services is configured for watch, consider setting a 'develop' section/);
  });
});

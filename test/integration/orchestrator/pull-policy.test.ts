// pull_policy and `up --pull` against a real registry on 127.0.0.1, on berthd and on Docker: what
// each policy pulls is seen in the containers' environment (the registry's copy says V=2 where
// the engine's says V=1). pull_policy: build rebuilds on every `up`.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../helpers/busybox.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { berth, onEachEngine } from './engine.js';

const SKOPEO = '/usr/bin/skopeo';

onEachEngine('orp', (fx) => {
  const { project, ok, compose } = fx;
  let reg: TestRegistry | undefined;
  const noRegistry = registryAvailable() ?? (existsSync(SKOPEO) ? undefined : 'skopeo is not installed');

  before(async () => {
    if (!noRegistry) reg = await startRegistry();
  });
  after(async () => { await reg?.stop(); });

  const cli = async (args: string[]) => {
    const r = await berth(fx.engine.host, args, fx.dir);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  /** The registry's `pp/<name>:1` becomes a copy of `pp/<version>:1`. */
  const publish = (name: string, version: 'v1' | 'v2') => execFileSync(SKOPEO, ['copy', '-q', '--src-tls-verify=false', '--dest-tls-verify=false',
    `docker://${reg!.host}/pp/${version}:1`, `docker://${reg!.host}/pp/${name}:1`], { stdio: 'pipe' });
  const envOf = async (c: string) => ((await fx.engine.client.containers.inspect(c)).Config.Env ?? []).find((e) => e.startsWith('V='));

  fx.test('always, missing, never and daily pull as Compose decides; up --pull overrides them; compose pull skips never and present missing', async (t) => {
    if (!reg) return t.skip(noRegistry ?? 'no registry');
    const tar = makeBusyboxTar(join(fx.dir, 'bb.tar'));
    for (const v of ['v1', 'v2']) {
      const ref = `${reg.host}/pp/${v}:1`;
      await cli(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', `ENV V=${v.slice(1)}`, tar, ref]);
      await cli(['push', '-q', ref]);
      await cli(['rmi', ref]);
    }
    const policies = ['always', 'missing', 'never', 'daily'];
    for (const name of policies) publish(name, 'v1');
    const p = project('pull', `services:\n${policies.map((n) => `  ${n}:
    image: ${reg!.host}/pp/${n}:1
    pull_policy: ${n}
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`).join('')}`);
    const env = async () => Object.fromEntries(await Promise.all(policies.map(async (n) => [n, await envOf(`${p}-${n}-1`)])));

    // never: its image is not there and is not pulled.
    const refused = await compose(p, ['up', '-d']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`service "never": image ${reg.host}/pp/never:1 not found`));
    await ok(p, ['up', '-d', '--pull', 'always']);
    assert.deepEqual(await env(), { always: 'V=1', missing: 'V=1', never: 'V=1', daily: 'V=1' });

    // The registry moves on: always pulls; daily too (a pulled image carries no tag time, so it is due); missing and never keep theirs.
    for (const name of policies) publish(name, 'v2');
    const up = await ok(p, ['up', '-d']);
    assert.match(up.stderr, new RegExp(`Image ${reg.host}/pp/always:1  Pulled`));
    assert.doesNotMatch(up.stderr, /pp\/(missing|never):1 {2}Pull/);
    assert.deepEqual(await env(), { always: 'V=2', missing: 'V=1', never: 'V=1', daily: 'V=2' });

    // --pull never: nothing is pulled, whatever the policies say.
    for (const name of policies) publish(name, 'v1');
    assert.doesNotMatch((await ok(p, ['up', '-d', '--pull', 'never'])).stderr, /Pulling/);
    assert.deepEqual(await env(), { always: 'V=2', missing: 'V=1', never: 'V=1', daily: 'V=2' });

    const pull = await ok(p, ['pull']);
    assert.match(pull.stderr, / never Skipped\n/);
    assert.match(pull.stderr, / missing Skipped - Image is already present locally\n/);
    assert.match(pull.stderr, / always Pulled\n/);
    const bad = await compose(p, ['up', '-d', '--pull', 'sometimes']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid --pull option "sometimes"/);
    await ok(p, ['down', '-t', '0']);
  });

  fx.test('pull_policy: build builds the image on every up', async () => {
    const ctx = join(fx.dir, 'built');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox:latest\nCOPY f /f\n');
    writeFileSync(join(ctx, 'f'), 'one\n');
    const p = project('build', `services:
  app:
    build: ./built
    pull_policy: build
    command: ["sleep", "1000"]
    stop_signal: SIGKILL
`);
    await ok(p, ['up', '-d']);
    assert.equal((await ok(p, ['exec', '-T', 'app', 'cat', '/f'])).stdout, 'one\n');
    writeFileSync(join(ctx, 'f'), 'two\n');
    await ok(p, ['up', '-d']);
    assert.equal((await ok(p, ['exec', '-T', 'app', 'cat', '/f'])).stdout, 'two\n');
    await ok(p, ['down', '-t', '0', '--rmi', 'local']);
  });
});

// FROM an image that is not local pulls it from its registry, as Docker's classic builder does;
// `build --pull` pulls a base even when present; a base the registry lacks fails with Docker's
// text and leaves no image. A real registry (Debian's docker-registry) on 127.0.0.1.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_PATH, makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : undefined);
let reg: TestRegistry;
let d: TestDaemon;
let work: string;
let contexts: (files: Record<string, string>) => string;
const berth = (args: string[]) => runBerth(d.dockerHost, args, { timeoutMs: 120_000, env: { DOCKER_CONFIG: join(work, 'docker-config') } });

async function ok(args: string[]): Promise<string> {
  const r = await berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

before(async () => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'berth-build-pull-'));
  reg = await startRegistry();
  d = await startTestDaemon();
  let n = 0;
  contexts = (files) => {
    const dir = join(work, `ctx${n++}`);
    mkdirSync(dir, { recursive: true });
    for (const [p, c] of Object.entries(files)) writeFileSync(join(dir, p), c);
    return dir;
  };
});
after(async () => {
  await d?.stop();
  await reg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('FROM a registry image that is not local pulls it; --pull fetches a newer base; a missing one fails as Docker says', { skip }, async () => {
  const base = `${reg.host}/base:v1`;
  const tar = makeBusyboxTar(join(work, 'busybox.tar'));
  const one = (await ok(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'ENV BASE=one', tar, base])).trim();
  await ok(['push', base]);
  await ok(['rmi', base]);
  const dir = contexts({ Dockerfile: `FROM ${base}\nRUN echo "$BASE" > /base\nCMD ["cat", "/base"]\n` });

  const first = await ok(['build', '-t', 'child', dir]);
  assert.match(first, new RegExp(`Step 1/3 : FROM ${base}\nv1: Pulling from base\n(.*\n)*Digest: sha256:[0-9a-f]{64}\nStatus: Downloaded newer image for ${base}\n ---> ${one.slice(7, 19)}\n`));
  assert.equal(await ok(['run', '--rm', 'child']), 'one\n');

  // A newer base in the registry under the same tag; the local tag stays on the old one.
  const two = (await ok(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'ENV BASE=two', tar, base])).trim();
  await ok(['push', base]);
  await ok(['tag', one, base]);
  const cached = await ok(['build', '-t', 'child', dir]);
  assert.doesNotMatch(cached, /Pulling from/, 'a local base is used as it is without --pull');
  assert.equal(await ok(['run', '--rm', 'child']), 'one\n');
  const pulled = await ok(['build', '--pull', '-t', 'child', dir]);
  assert.match(pulled, new RegExp(`Status: Downloaded newer image for ${base}\n ---> ${two.slice(7, 19)}\n`));
  assert.equal(await ok(['run', '--rm', 'child']), 'two\n');
  const again = await ok(['build', '--pull', '-t', 'child', dir]);
  assert.match(again, new RegExp(`Status: Image is up to date for ${base}\n`));
  assert.equal(again.match(/Using cache/g)?.length, 2);

  // The docker CLI's classic builder against berthd shows the same pull.
  await ok(['rmi', '-f', base]);
  const docker = execFileSync('docker', ['-H', d.dockerHost, 'build', '-t', 'bydocker', dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  assert.match(docker, new RegExp(`v1: Pulling from base\n(.*\n)*Status: Downloaded newer image for ${base}\n`));

  // Missing in the registry: Docker's message for the pull, non-zero exit, nothing created.
  const imagesBefore = await ok(['images', '-a', '-q', '--no-trunc']);
  for (const missing of [`${reg.host}/nope`, `${reg.host}/base:nope`]) {
    const r = await berth(['build', '-t', 'missing', contexts({ Dockerfile: `FROM ${missing}\nRUN true\n` })]);
    assert.notEqual(r.code, 0);
    const shown = missing.includes(':nope') ? missing : `${missing}:latest`;
    assert.equal(r.stderr, `manifest for ${shown} not found: manifest unknown: manifest unknown\n`);
    assert.match(r.stdout, new RegExp(`^Sending build context to Docker daemon +[0-9.]+[kMG]?B\nStep 1/2 : FROM ${missing}\n$`));
  }
  assert.equal(await ok(['images', '-a', '-q', '--no-trunc']), imagesBefore, 'no image was created');
});

test('FROM --platform: a local image of that platform is used, one of another platform makes the builder pull', { skip }, async () => {
  const ref = `${reg.host}/multi:v1`;
  const tar = makeBusyboxTar(join(work, 'busybox-multi.tar'));
  await ok(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'ENV BASE=amd64', tar, ref]);
  await ok(['push', ref]);
  // The local tag now names an arm64 image (the registry keeps the amd64 one).
  await ok(['import', '--platform', 'linux/arm64', '--change', 'ENV BASE=arm64', tar, ref]);
  const arm = await ok(['build', '-t', 'onarm', contexts({ Dockerfile: `ARG P=linux/arm64\nFROM --platform=$P ${ref}\nLABEL on=arm\n` })]);
  assert.doesNotMatch(arm, /Pulling from/);
  assert.match(await ok(['image', 'inspect', '-f', '{{.Architecture}} {{json .Config.Env}}', 'onarm']), /^arm64 .*"BASE=arm64"/);
  const amd = await ok(['build', '-t', 'onamd', contexts({ Dockerfile: `FROM --platform=linux/amd64 ${ref}\nRUN echo "$BASE" > /b\nCMD ["cat", "/b"]\n` })]);
  assert.match(amd, /v1: Pulling from multi\n/);
  assert.equal(await ok(['run', '--rm', 'onamd']), 'amd64\n');
  const bad = await berth(['build', contexts({ Dockerfile: 'FROM --chmod=1 busybox\n' })]);
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stderr, 'Dockerfile:1: Unknown flag: chmod\n');
});

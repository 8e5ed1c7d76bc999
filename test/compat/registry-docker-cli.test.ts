// The real docker CLI against berthd with a real registry behind htpasswd auth: docker login
// (POST /auth), docker push and docker pull (X-Registry-Auth from the CLI's own config file),
// then the pulled image runs; docker logout.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxTar } from '../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { CLIENTS, dockerCli, ok } from './docker-cli.js';

const client = CLIENTS[0];
const skip = client.skip || registryAvailable() || (process.getuid?.() !== 0 ? 'needs root' : false);

describe(`${client.label}: pull and push through berthd`, { skip }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let dir: string;
  let docker: ReturnType<typeof dockerCli>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-docker-reg-'));
    reg = await startRegistry({ user: 'bob', password: 'builder' });
    d = await startTestDaemon();
    docker = dockerCli(d.dockerHost, {}, client.binary);
    await ok(docker(['import', makeBusyboxTar(join(dir, 'rootfs.tar')), `${reg.host}/team/bb:1`]));
  });
  after(async () => {
    await d?.stop();
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('push without login is refused with the registry\'s reason', async () => {
    const r = await docker(['push', `${reg.host}/team/bb:1`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no basic auth credentials/);
  });

  test('login, push, rmi, pull, run, logout', async () => {
    const login = await docker(['login', '-u', 'bob', '--password-stdin', reg.host], { input: 'builder\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /Login Succeeded/);
    const push = await docker(['push', `${reg.host}/team/bb:1`], { timeoutMs: 120_000 });
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`The push refers to repository \\[${reg.host}/team/bb\\]`));
    assert.match(push.stdout, /1: digest: sha256:[0-9a-f]{64} size: \d+/);
    await ok(docker(['rmi', `${reg.host}/team/bb:1`]));
    const pull = await docker(['pull', `${reg.host}/team/bb:1`], { timeoutMs: 120_000 });
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /1: Pulling from team\/bb\n/);
    assert.match(pull.stdout, /Status: Downloaded newer image for /);
    assert.match(pull.stdout, new RegExp(`${reg.host}/team/bb:1\n$`));
    assert.equal(await ok(docker(['run', '--rm', `${reg.host}/team/bb:1`, 'echo', 'via-docker-cli'])), 'via-docker-cli');
    const logout = await docker(['logout', reg.host]);
    assert.match(logout.stdout, new RegExp(`Removing login credentials for ${reg.host}`));
  });
});

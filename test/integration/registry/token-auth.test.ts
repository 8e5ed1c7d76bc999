// Bearer-token authentication against a real registry: Debian's docker-registry configured with
// `auth: token` trusts a certificate made by the test, and a real token server (node http,
// test/helpers/token-server.ts) checks basic credentials and signs JWTs granting what its policy
// allows. berth answers the registry's challenge, fetches tokens per scope and sends them; the
// registry verifies them. Error texts are the ones dockerd 20.10 gives against the same set-up.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { opensslAvailable, startTokenServer, type TokenServer } from '../../helpers/token-server.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? opensslAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : false);

describe('registry bearer-token authentication', { skip }, () => {
  let tokens: TokenServer;
  let reg: TestRegistry;
  let d: TestDaemon;
  let dir: string;
  const berth = (args: string[], opts: { input?: string } = {}) => runBerth(d.dockerHost, args, { ...opts, env: { DOCKER_CONFIG: join(dir, 'docker-config') }, timeoutMs: 120_000 });
  const img = (s: string) => `${reg.host}/${s}`;
  const DENIED = 'denied: requested access to the resource is denied';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-token-auth-'));
    // alice may pull and push anywhere but forbidden/*; nobody else gets anything.
    tokens = await startTokenServer({
      users: { alice: 'open sesame' },
      grant: (user, scope) => (user === 'alice' && scope.type === 'repository' && !scope.name.startsWith('forbidden/') ? ['pull', 'push'] : []),
    });
    reg = await startRegistry({ token: { realm: tokens.realm, service: tokens.service, issuer: tokens.issuer, rootCertBundle: tokens.certFile } });
    d = await startTestDaemon();
    const r = await berth(['import', makeBusyboxTar(join(dir, 'rootfs.tar')), img('team/bb:1')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await berth(['tag', img('team/bb:1'), img('forbidden/bb:1')])).code, 0);
  });
  after(async () => {
    await d?.stop();
    await reg?.stop();
    await tokens?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('anonymous push is denied (the token grants nothing)', async () => {
    const r = await berth(['push', img('team/bb:1')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${DENIED}\n$`));
    assert.ok(tokens.requests.some((q) => q.user === undefined && q.scopes.includes('repository:team/bb:pull,push')), 'berth asked the token server for the push scope');
  });

  test('a wrong password is refused with the token server\'s answer', async () => {
    const r = await berth(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'wrong\n' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: Get "http://${reg.host}/v2/": unauthorized: incorrect username or password\n`);
  });

  test('after login, push and pull work with tokens the registry verifies', async () => {
    const login = await berth(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'open sesame\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, 'Login Succeeded\n');
    const stored = JSON.parse(readFileSync(join(dir, 'docker-config', 'config.json'), 'utf8'));
    assert.equal(stored.auths[reg.host].auth, Buffer.from('alice:open sesame').toString('base64'));
    const push = await berth(['push', img('team/bb:1')]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, /: Pushed\n1: digest: sha256:[0-9a-f]{64} size: \d+\n$/);
    assert.equal((await berth(['rmi', img('team/bb:1')])).code, 0);
    const pull = await berth(['pull', img('team/bb:1')]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, /Status: Downloaded newer image for /);
    const run = await berth(['run', '--rm', img('team/bb:1'), 'echo', 'token-ok']);
    assert.equal(run.stdout, 'token-ok\n', run.stderr);
    assert.ok(tokens.requests.some((q) => q.user === 'alice' && q.scopes.includes('repository:team/bb:pull')), 'the pull token was asked for as alice');
  });

  test('a scope the token server refuses is denied, for push and pull', async () => {
    const push = await berth(['push', img('forbidden/bb:1')]);
    assert.equal(push.code, 1);
    assert.match(push.stderr, new RegExp(`${DENIED}\n$`));
    const pull = await berth(['pull', img('forbidden/bb:1')]);
    assert.equal(pull.code, 1);
    assert.equal(pull.stderr, `Error response from daemon: pull access denied for ${reg.host}/forbidden/bb, repository does not exist or may require 'docker login': ${DENIED}\n`);
  });

  test('anonymous pull is denied once logged out', async () => {
    assert.equal((await berth(['logout', reg.host])).code, 0);
    assert.equal((await berth(['rmi', img('team/bb:1')])).code, 0);
    const pull = await berth(['pull', img('team/bb:1')]);
    assert.equal(pull.code, 1);
    assert.equal(pull.stderr, `Error response from daemon: pull access denied for ${reg.host}/team/bb, repository does not exist or may require 'docker login': ${DENIED}\n`);
  });
});

// Registry credentials: a registry behind htpasswd (basic auth) refuses anonymous pulls and wrong
// logins; `berth login` checks and stores credentials in $DOCKER_CONFIG/config.json, push and pull
// then send them (X-Registry-Auth); `berth logout` forgets them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : false);

describe('registry authentication', { skip }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let dir: string;
  const config = () => join(dir, 'docker-config');
  const berth = (args: string[], opts: { input?: string } = {}) => runBerth(d.dockerHost, args, { ...opts, env: { DOCKER_CONFIG: config() }, timeoutMs: 120_000 });
  const img = (s: string) => `${reg.host}/${s}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-reg-auth-'));
    reg = await startRegistry({ user: 'alice', password: 'wonder land' });
    d = await startTestDaemon();
    assert.equal((await berth(['import', makeBusyboxTar(join(dir, 'rootfs.tar')), img('private/bb:1')])).code, 0);
  });
  after(async () => {
    await d?.stop();
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('without credentials push and pull are refused', async () => {
    const push = await berth(['push', img('private/bb:1')]);
    assert.equal(push.code, 1);
    assert.match(push.stderr, /no basic auth credentials/);
    const pull = await berth(['pull', img('private/bb:1')]);
    assert.equal(pull.code, 1);
    assert.match(pull.stderr, /^Error response from daemon: .*no basic auth credentials\n$/);
  });

  test('a wrong password is refused and nothing is stored', async () => {
    const r = await berth(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'nope\n' });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: login attempt to http://${reg.host}/v2/ failed with status: 401 Unauthorized\n`);
    assert.equal(existsSync(join(config(), 'config.json')), false);
    const api = await daemonRequest(d.socket, 'POST', '/auth', JSON.stringify({ username: 'alice', password: 'x', serveraddress: reg.host }));
    assert.equal(api.status, 401);
  });

  test('login stores the credentials; push and pull use them; logout forgets them', async () => {
    const login = await berth(['login', '-u', 'alice', '--password-stdin', reg.host], { input: 'wonder land\n' });
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, 'Login Succeeded\n');
    const stored = JSON.parse(readFileSync(join(config(), 'config.json'), 'utf8'));
    assert.equal(stored.auths[reg.host].auth, Buffer.from('alice:wonder land').toString('base64'));
    const push = await berth(['push', img('private/bb:1')]);
    assert.equal(push.code, 0, push.stderr);
    assert.equal((await berth(['rmi', img('private/bb:1')])).code, 0);
    const pull = await berth(['pull', '-q', img('private/bb:1')]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `${img('private/bb:1')}\n`);
    const logout = await berth(['logout', reg.host]);
    assert.equal(logout.stdout, `Removing login credentials for ${reg.host}\n`);
    assert.deepEqual(JSON.parse(readFileSync(join(config(), 'config.json'), 'utf8')).auths, {});
    const again = await berth(['logout', reg.host]);
    assert.equal(again.stdout, `Not logged in to ${reg.host}\n`);
  });
});

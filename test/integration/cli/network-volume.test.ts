// `network`, `volume` and `port` verbs. Engines that do not serve these endpoints yet (501/404 "not
// implemented") make the tests skip with that message rather than fail.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, IMAGE } from './engine.js';

const engine = await startEngine();
const skip = typeof engine === 'string' ? engine : false;
if (skip) process.stderr.write(`# skipping CLI network/volume tests: ${skip}\n`);

describe('berth network, volume, port', { skip }, () => {
  const e = engine as Exclude<typeof engine, string>;
  after(async () => e.stop());

  test('volume create/ls/inspect/rm; a named volume keeps data between containers', async (t) => {
    const created = await e.berth(['volume', 'create', '--label', 'k=v', 'clivol']);
    if (/not implemented|page not found/i.test(created.stderr)) return t.skip(`engine: ${created.stderr.trim()}`);
    assert.equal(created.stdout, 'clivol\n', created.stderr);
    const ls = await e.berth(['volume', 'ls']);
    assert.match(ls.stdout, /^DRIVER {4}VOLUME NAME\n(.*\n)*local {5}clivol\n/);
    assert.equal((await e.berth(['volume', 'ls', '-q', '--filter', 'label=k=v'])).stdout, 'clivol\n');
    assert.equal((await e.berth(['run', '--rm', '-v', 'clivol:/data', IMAGE, 'sh', '-c', 'echo kept > /data/f'])).code, 0);
    assert.equal((await e.berth(['run', '--rm', '--mount', 'type=volume,src=clivol,dst=/d', IMAGE, 'cat', '/d/f'])).stdout, 'kept\n');
    assert.equal((await e.berth(['volume', 'inspect', '-f', '{{.Name}} {{.Driver}}', 'clivol'])).stdout, 'clivol local\n');
    assert.equal((await e.berth(['volume', 'rm', 'clivol'])).stdout, 'clivol\n');
  });

  test('network create/ls/inspect/connect/rm', async (t) => {
    const created = await e.berth(['network', 'create', '--subnet', '10.213.0.0/24', 'clinet']);
    if (/not implemented|page not found/i.test(created.stderr)) return t.skip(`engine: ${created.stderr.trim()}`);
    assert.match(created.stdout, /^[0-9a-f]{64}\n$/, created.stderr);
    const ls = await e.berth(['network', 'ls', '--filter', 'name=clinet']);
    assert.match(ls.stdout, /^NETWORK ID {5}NAME {6}DRIVER {4}SCOPE\n[0-9a-f]{12} {3}clinet {4}bridge {4}local\n$/);
    const sub = await e.berth(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Subnet}}{{end}}', 'clinet']);
    assert.equal(sub.stdout, '10.213.0.0/24\n');
    await e.berth(['create', '--name', 'netuser', IMAGE, 'true']);
    assert.equal((await e.berth(['network', 'connect', '--alias', 'db', 'clinet', 'netuser'])).code, 0);
    const nets = await e.berth(['inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'netuser']);
    assert.match(nets.stdout, /clinet/);
    assert.equal((await e.berth(['network', 'disconnect', 'clinet', 'netuser'])).code, 0);
    await e.berth(['rm', 'netuser']);
    assert.equal((await e.berth(['network', 'rm', 'clinet'])).stdout, 'clinet\n');
  });

  test('port lists published ports', async (t) => {
    const r = await e.berth(['run', '-d', '--name', 'ported', '-p', '127.0.0.1:18089:80', IMAGE, 'sleep', '30']);
    assert.equal(r.code, 0, r.stderr);
    const p = await e.berth(['port', 'ported']);
    await e.berth(['rm', '-f', 'ported']);
    if (p.stdout === '') return t.skip('engine publishes no ports in this set-up');
    assert.equal(p.stdout, '80/tcp -> 127.0.0.1:18089\n');
  });
});

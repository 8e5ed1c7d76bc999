// The engine wires NetworkService into the container lifecycle: a container on a user network gets
// an address at start, finds another by name through the embedded DNS, publishes a port on
// 127.0.0.1, and gives everything back at stop/rm; shutdown leaves no link or nft table behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { join } from 'node:path';
import { openTestEngine, cleanupEngine, spec, collectLogs, text, type TestEngine } from '../engine/harness.js';
import { leftovers, scrub } from '../network/fixture.js';

let t: TestEngine;
before(async () => { t = await openTestEngine(); });
after(async () => {
  if (!t) return;
  for (const r of await t.engine.containers.list({ all: true })) await t.engine.containers.remove(r.id, { force: true, volumes: false }).catch(() => undefined);
  for (const n of t.engine.networks.list()) if (n.name !== 'bridge') await t.engine.networks.remove(n.id).catch(() => undefined);
  await t.engine.shutdown();
  const left = await leftovers(join(t.root, 'data'));
  await scrub(join(t.root, 'data'));
  await cleanupEngine(t.root);
  assert.deepEqual(left, [], 'nothing of the daemon is left on the host');
});

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/index.html', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject);
  });
}

test('two containers on a user network: address, name lookup, published port, release at stop', async () => {
  const c = t.engine.containers;
  await t.engine.networks.create({ name: 'wire1' });
  await assert.rejects(c.create(spec(['true'], {}, { networkMode: 'nosuchnet' })), (e: Error & { kind?: string }) => e.kind === 'not_found');

  const port = 20000 + Math.floor(Math.random() * 20000);
  const web = await c.create(spec(['sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 80 -h /www'],
    { name: 'web', exposedPorts: ['80/tcp'] }, { networkMode: 'wire1', portBindings: { '80/tcp': [{ hostIp: '127.0.0.1', hostPort: String(port) }] } }));
  await c.start(web.id);
  const rec = await c.get(web.id);
  const ep = rec.network.endpoints.wire1;
  assert.ok(ep, 'endpoint recorded on wire1');
  assert.match(ep.ipAddress, /^\d+\.\d+\.\d+\.\d+$/);
  assert.deepEqual(rec.network.ports['80/tcp'], [{ hostIp: '127.0.0.1', hostPort: String(port) }]);

  // From the host over loopback through the published port (httpd needs a moment to listen).
  let body = '';
  for (let i = 0; i < 50 && !body; i++) body = await httpGet(port).catch(async () => { await new Promise((r) => setTimeout(r, 100)); return ''; });
  assert.equal(body, 'hello-from-web\n');

  // From a second container, by name.
  const cli = await c.create(spec(['sh', '-c', 'cat /etc/resolv.conf | grep -c 127.0.0.11; wget -q -O - http://web/index.html'], { name: 'cli' }, { networkMode: 'wire1' }));
  const { result } = await c.wait(cli.id, 'next-exit');
  await c.start(cli.id);
  const { exitCode } = await result;
  const logs = await collectLogs(c.logs(cli.id, { follow: false, stdout: true, stderr: true, timestamps: false }));
  assert.equal(text(logs, 'stdout'), '1\nhello-from-web\n', text(logs, 'stderr'));
  assert.equal(exitCode, 0);
  // Released right after the exit is announced (under the container's lock, as the rootfs unmount).
  for (let i = 0; i < 40 && t.engine.networks.endpointsOf(cli.id).length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(t.engine.networks.endpointsOf(cli.id), [], 'an exited container holds no endpoint');
  await c.remove(cli.id, { force: false, volumes: false });

  await c.stop(web.id, { timeout: 1 });
  assert.deepEqual(t.engine.networks.endpointsOf(web.id), []);
  assert.equal(t.engine.networks.listPorts(web.id).length, 0, 'the port is freed at stop');
  await c.remove(web.id, { force: true, volumes: false });
  await t.engine.networks.remove('wire1');
});

test('networkMode none keeps a loopback-only netns', async () => {
  const c = t.engine.containers;
  const { id } = await c.create(spec(['ls', '/sys/class/net'], {}, { networkMode: 'none' }));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  await result;
  const logs = await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }));
  assert.equal(text(logs, 'stdout'), 'lo\n');
  await c.remove(id, { force: true, volumes: false });
});

// The real docker CLI against berthd: networks (create/ls/inspect/rm, two containers finding each
// other by name), a port published on 127.0.0.1 answering from the host, volumes (create/ls/
// inspect/rm). Everything is removed at the end and nothing of the daemon stays on the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { dockerCli, ok } from './docker-cli.js';
import { leftovers } from '../integration/network/fixture.js';

const IMG = 'berth-compat/netbox:latest';
let daemon: TestDaemon;
let docker: ReturnType<typeof dockerCli>;
let work: string;

before(async () => {
  daemon = await startTestDaemon();
  docker = dockerCli(daemon.dockerHost);
  work = mkdtempSync(join(tmpdir(), 'berth-compat-net-'));
  await d('import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', makeBusyboxTar(join(work, 'busybox.tar')), IMG);
});

after(async () => {
  if (daemon) {
    const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]);
    for (const n of ['cnet', 'cnet2']) await docker(['network', 'rm', n]);
    for (const v of ['cvol', 'cvol2']) await docker(['volume', 'rm', '-f', v]);
    await daemon.stop();
    assert.deepEqual(await leftovers(daemon.dataRoot), [], 'no bridge, veth or nft table of the daemon is left');
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const d = (...args: string[]) => ok(docker(args), `docker ${args.join(' ')}`);

function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/index.html', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject);
  });
}

test('network create/ls/inspect, two containers by name, -p 127.0.0.1, network rm', async () => {
  const id = await d('network', 'create', '--subnet', '10.219.7.0/24', '--label', 'k=v', 'cnet');
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.match(await d('network', 'ls', '--format', '{{.Name}} {{.Driver}}'), /^cnet bridge$/m);
  assert.match(await d('network', 'ls', '--format', '{{.Name}}'), /^bridge$/m);
  assert.equal(await d('network', 'ls', '-q', '--filter', 'label=k=v'), id.slice(0, 12));
  assert.equal(await d('network', 'inspect', '-f', '{{.Name}} {{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}', 'cnet'), 'cnet 10.219.7.0/24 10.219.7.1');
  assert.match((await docker(['network', 'create', 'cnet'])).stderr, /already exists/);

  const port = 20000 + Math.floor(Math.random() * 20000);
  await d('run', '-d', '--name', 'web', '--network', 'cnet', '-p', `127.0.0.1:${port}:80`, IMG,
    'sh', '-c', 'mkdir -p /www && echo hello-web > /www/index.html && exec httpd -f -p 80 -h /www');
  assert.match(await d('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'web'), /^10\.219\.7\.\d+$/);
  assert.equal(await d('port', 'web', '80'), `127.0.0.1:${port}`);
  assert.match(await d('network', 'inspect', '-f', '{{range .Containers}}{{.Name}}{{end}}', 'cnet'), /^web$/);
  let body = '';
  for (let i = 0; i < 50 && !body; i++) body = await httpGet(port).catch(async () => { await new Promise((r) => setTimeout(r, 100)); return ''; });
  assert.equal(body, 'hello-web\n');
  assert.equal(await d('run', '--rm', '--network', 'cnet', IMG, 'wget', '-q', '-O', '-', 'http://web/index.html'), 'hello-web');

  assert.match((await docker(['network', 'rm', 'cnet'])).stderr, /active endpoints/);
  assert.match((await docker(['network', 'rm', 'bridge'])).stderr, /pre-defined/);
  await d('rm', '-f', 'web');
  await assert.rejects(httpGet(port), 'the port is closed with the container');
  assert.equal(await d('network', 'rm', 'cnet'), 'cnet');
  assert.match((await docker(['network', 'inspect', 'cnet'])).stderr, /not found|No such network/i);
});

test('network connect/disconnect of a running container', async () => {
  await d('network', 'create', '--subnet', '10.219.8.0/24', 'cnet2');
  await d('run', '-d', '--name', 'hop', IMG, 'sleep', '300');
  await d('network', 'connect', '--alias', 'hopper', 'cnet2', 'hop');
  assert.match(await d('exec', 'hop', 'ip', '-4', '-o', 'addr', 'show', 'eth1'), /inet 10\.219\.8\.\d+\/24/);
  assert.match(await d('inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}', 'hop'), /^bridge cnet2$/);
  assert.match(await d('network', 'inspect', '-f', '{{range .Containers}}{{.Name}}{{end}}', 'cnet2'), /^hop$/);
  assert.match((await docker(['network', 'connect', 'cnet2', 'hop'])).stderr, /already exists/);
  await d('network', 'disconnect', 'cnet2', 'hop');
  assert.notEqual((await docker(['exec', 'hop', 'ip', 'link', 'show', 'eth1'])).code, 0, 'eth1 is gone');
  await d('rm', '-f', 'hop');
  assert.equal(await d('network', 'rm', 'cnet2'), 'cnet2');
});

test('the default bridge: a container gets an address, no user-network DNS', async () => {
  const out = await d('run', '--rm', IMG, 'sh', '-c', 'ip -4 -o addr show eth0 | grep -c inet; grep -c 127.0.0.11 /etc/resolv.conf || true');
  assert.equal(out, '1\n0');
});

test('volume create/ls/inspect/rm', async () => {
  assert.equal(await d('volume', 'create', '--label', 'a=b', 'cvol'), 'cvol');
  assert.match(await d('volume', 'ls', '--format', '{{.Driver}} {{.Name}}'), /^local cvol$/m);
  assert.equal(await d('volume', 'ls', '-q', '--filter', 'label=a=b'), 'cvol');
  assert.equal(await d('volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels}}', 'cvol'), 'cvol local map[a:b]');
  assert.equal(await d('run', '--rm', '-v', 'cvol:/data', IMG, 'sh', '-c', 'echo kept > /data/f'), '');
  assert.equal(await d('run', '--name', 'reader', '--mount', 'type=volume,src=cvol,dst=/d', IMG, 'cat', '/d/f'), 'kept');
  assert.equal(await d('inspect', '-f', '{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}}{{end}}', 'reader'), 'volume cvol /d');
  assert.match((await docker(['volume', 'rm', 'cvol'])).stderr, /in use/);
  await d('rm', 'reader');
  assert.equal(await d('volume', 'rm', 'cvol'), 'cvol');
  assert.match((await docker(['volume', 'inspect', 'cvol'])).stderr, /no such volume|not found/i);
});

test('a new named volume is filled from the image; rm -v takes anonymous volumes only', async () => {
  assert.equal(await d('run', '--rm', '-v', 'cvol2:/etc', IMG, 'sh', '-c', 'test -f /etc/hostname -o -f /etc/passwd -o -d /etc && ls /etc | wc -l | tr -d " " | grep -qv "^0$" && echo filled'), 'filled');
  await d('run', '--name', 'anon', '--mount', 'type=volume,dst=/a', IMG, 'true');
  const anon = await d('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'anon');
  assert.match(anon, /^[0-9a-f]{64}$/);
  await d('rm', '-v', 'anon');
  assert.doesNotMatch(await d('volume', 'ls', '-q'), new RegExp(anon));
  assert.match(await d('volume', 'ls', '-q'), /^cvol2$/m);
  assert.equal(await d('volume', 'rm', 'cvol2'), 'cvol2');
});

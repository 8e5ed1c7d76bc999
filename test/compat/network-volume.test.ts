// The real docker CLI against berthd: networks (create/ls/inspect/rm, two containers finding each
// other by name), a port published on 127.0.0.1 answering from the host, volumes (create/ls/
// inspect/rm). Everything is removed at the end and nothing of the daemon stays on the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBerth, startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
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
    for (const n of ['cnet', 'cnet2', 'cptr']) await docker(['network', 'rm', n]);
    for (const v of ['cvol', 'cvol2', 'csub', 'cdf']) await docker(['volume', 'rm', '-f', v]);
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

test('reverse (PTR) lookups of container addresses on a user network: <container>.<network>', async () => {
  await d('network', 'create', '--subnet', '10.219.9.0/24', 'cptr');
  await d('run', '-d', '--name', 'ptrtarget', '--network', 'cptr', IMG, 'sleep', '300');
  const ip = await d('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', 'ptrtarget');
  const out = await d('run', '--rm', '--network', 'cptr', IMG, 'nslookup', ip);
  assert.match(out, new RegExp(`${ip.split('.').reverse().join('\\.')}\\.in-addr\\.arpa\\s+name = ptrtarget\\.cptr`), out);
  await d('rm', '-f', 'ptrtarget');
  assert.equal(await d('network', 'rm', 'cptr'), 'cptr');
});

test('legacy --link on the default bridge sets Docker\'s <ALIAS>_PORT_…, _NAME and _ENV_ variables', async () => {
  await d('run', '-d', '--name', 'linkdb', '--expose', '5432', '--expose', '53/udp', '-e', 'DB_USER=ann', IMG, 'sleep', '300');
  const ip = await d('inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'linkdb');
  const env = (await d('run', '--rm', '--name', 'linker', '--link', 'linkdb:db-1', '-e', 'DB_1_ENV_DB_USER=own', IMG, 'env')).split('\n');
  for (const v of [`DB_1_PORT=udp://${ip}:53`, `DB_1_PORT_5432_TCP=tcp://${ip}:5432`, `DB_1_PORT_5432_TCP_ADDR=${ip}`, 'DB_1_PORT_5432_TCP_PORT=5432',
    'DB_1_PORT_5432_TCP_PROTO=tcp', `DB_1_PORT_53_UDP=udp://${ip}:53`, 'DB_1_NAME=/linker/db-1', 'DB_1_ENV_DB_USER=own']) {
    assert.ok(env.includes(v), `${v} in:\n${env.join('\n')}`);
  }
  assert.equal(env.filter((v) => v.startsWith('DB_1_ENV_PATH=') || v.startsWith('DB_1_ENV_HOME=')).length, 0, 'PATH and HOME are not passed on');
  await d('rm', '-f', 'linkdb');
});

test('--mount type=volume,volume-subpath=: a directory of the volume; escaping or missing paths are refused', async () => {
  await d('run', '--rm', '-v', 'csub:/v', IMG, 'sh', '-c', 'mkdir -p /v/app/conf && echo sub > /v/app/conf/f && echo top > /v/top && ln -s / /v/out');
  assert.equal(await d('run', '--rm', '--mount', 'type=volume,src=csub,dst=/etc/app,volume-subpath=app/conf', IMG, 'sh', '-c', 'ls /etc/app; cat /etc/app/f'), 'f\nsub');
  assert.equal(await d('run', '--rm', '--mount', 'type=volume,src=csub,dst=/ro,volume-subpath=app,readonly', IMG, 'sh', '-c', 'cat /ro/conf/f; touch /ro/x 2>/dev/null || echo read-only'), 'sub\nread-only');
  for (const [sub, msg] of [['../x', /subpath must be a relative path within the volume/], ['missing', /cannot access path .*missing: no such file or directory/], ['out', /points outside the volume/]] as const) {
    const r = await docker(['run', '--rm', '--mount', `type=volume,src=csub,dst=/m,volume-subpath=${sub}`, IMG, 'true']);
    assert.notEqual(r.code, 0, sub);
    assert.match(r.stderr, msg);
    assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('docker: ')).length, 1, r.stderr);
  }
  await d('run', '--rm', '-v', 'csub:/v', IMG, 'true'); // the volume is still usable as a whole
  await d('volume', 'rm', 'csub');
});

test('system df -v: berth prints the images, containers, volumes and build cache as the docker CLI does', async () => {
  await d('volume', 'create', 'cdf');
  await d('run', '--name', 'dfuser', '-v', 'cdf:/d', IMG, 'sh', '-c', 'head -c 12345 /dev/zero > /d/f');
  // Relative times ("5 seconds ago") may tick between the two commands: they are compared as one word.
  const cells = (out: string) => out.split('\n').map((l) => l.replace(/(Less than a second|About a minute|1 second|\d+ seconds|\d+ minutes) ago/g, 'T ago').split(/\s{2,}/));
  const [theirs, ours] = [(await d('system', 'df', '-v')), (await runBerth(daemon.dockerHost, ['system', 'df', '-v'])).stdout.trimEnd()];
  assert.deepEqual(cells(ours), cells(theirs), `berth:\n${ours}\ndocker:\n${theirs}`);
  assert.match(ours, /^cdf\s+1\s+12\.35kB$/m);
  const volumeTable = (out: string) => out.slice(out.indexOf('Local Volumes space usage:'));
  assert.equal(volumeTable(ours), volumeTable(theirs), 'the tables without times are the same to the byte (alignment included)');
  await d('rm', 'dfuser');
  await d('volume', 'rm', 'cdf');
});

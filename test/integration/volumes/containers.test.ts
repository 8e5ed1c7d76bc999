// Volumes and mounts as containers see them, through the berth CLI and a real berthd: anonymous
// volumes for `-v /path` and the image's VOLUMEs (filled from the image with owners and modes),
// rm -v / --rm taking anonymous volumes only, --volumes-from (ro/rw), --mount with its options,
// --tmpfs, the local driver's options, data outliving its container, read-only binds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthCli, daemonRequest, startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { makeBusyboxRootfs, BUSYBOX_PATH } from '../../helpers/busybox.js';

const IMG = 'volbox:latest';
let daemon: TestDaemon;
let work: string;

before(async () => {
  daemon = await startTestDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-volctr-'));
  // An image whose VOLUME /data holds a file and a directory owned by nobody with their own modes.
  const root = makeBusyboxRootfs(join(work, 'rootfs'));
  mkdirSync(join(root, 'data/sub'), { recursive: true });
  writeFileSync(join(root, 'data/seed'), 'from-image\n');
  chownSync(join(root, 'data/sub'), 65534, 65534);
  chmodSync(join(root, 'data/sub'), 0o750);
  chmodSync(join(root, 'data'), 0o1777);
  execFileSync('tar', ['-C', root, '--numeric-owner', '-cf', join(work, 'img.tar'), '.']);
  await ok(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'VOLUME /data', join(work, 'img.tar'), IMG]);
});

after(async () => {
  if (daemon) {
    const ids = (await berth(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await berth(['rm', '-f', '-v', ...ids]);
    await daemon.stop();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const { berth, ok } = berthCli(() => daemon);
const volumeNames = async () => (await ok(['volume', 'ls', '-q'])).split('\n').filter(Boolean);
const mountsOf = async (c: string) => JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', c])) as { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];

test('-v /path and the image VOLUME get anonymous volumes, the latter filled from the image; rm -v takes only them', async () => {
  await ok(['volume', 'create', 'keepme']);
  const out = await ok(['run', '--name', 'anon', '-v', '/scratch', '-v', 'keepme:/named', IMG, 'sh', '-c',
    'cat /data/seed; stat -c "%a %u:%g" /data /data/sub; ls -A /scratch | wc -l; echo x > /scratch/f']);
  assert.equal(out, 'from-image\n1777 0:0\n750 65534:65534\n0');
  const mounts = await mountsOf('anon');
  const anon = mounts.filter((m) => m.Destination !== '/named');
  assert.deepEqual(anon.map((m) => [m.Type, m.Destination]).sort(), [['volume', '/data'], ['volume', '/scratch']]);
  for (const m of anon) {
    assert.match(m.Name ?? '', /^[0-9a-f]{64}$/);
    assert.equal(await ok(['volume', 'inspect', '-f', '{{json .Labels}}', m.Name!]), '{"com.docker.volume.anonymous":""}');
  }
  await ok(['rm', '-v', 'anon']);
  const left = await volumeNames();
  for (const m of anon) assert.ok(!left.includes(m.Name!), `anonymous volume ${m.Name} is removed with its container`);
  assert.ok(left.includes('keepme'), 'a named volume is never removed by rm -v');

  // --rm removes anonymous volumes as well; plain rm keeps them.
  const before = await volumeNames();
  await ok(['run', '--rm', '-v', '/tmpvol', IMG, 'true']);
  await ok(['run', '--name', 'keepanon', IMG, 'true']);
  const kept = (await mountsOf('keepanon'))[0].Name!;
  await ok(['rm', 'keepanon']);
  assert.deepEqual((await volumeNames()).sort(), [...before, kept].sort());
  await ok(['volume', 'rm', kept, 'keepme']);
});

test('an explicit mount over the image VOLUME replaces the anonymous one; a non-empty volume is not refilled', async () => {
  await ok(['run', '--rm', '-v', 'filled:/data', IMG, 'sh', '-c', 'rm /data/seed; echo mine > /data/own']);
  assert.equal(await ok(['run', '--rm', '-v', 'filled:/data', IMG, 'ls', '/data']), 'own\nsub');
  assert.equal(await ok(['run', '--rm', '--mount', 'type=volume,src=empty1,dst=/data,volume-nocopy', IMG, 'ls', '-A', '/data']), '');
  await ok(['volume', 'rm', 'filled', 'empty1']);
});

test('--volumes-from copies volumes and binds, read-only with :ro', async () => {
  const bind = join(work, 'bind');
  mkdirSync(bind);
  await ok(['create', '--name', 'vsrc', '-v', 'shared:/shared', '-v', `${bind}:/b`, IMG, 'true']);
  await ok(['run', '--rm', '--volumes-from', 'vsrc', IMG, 'sh', '-c', 'echo one > /shared/f; echo two > /b/g']);
  assert.equal(readFileSync(join(bind, 'g'), 'utf8'), 'two\n');
  assert.equal(await ok(['run', '--rm', '--volumes-from', 'vsrc:ro', IMG, 'sh', '-c', 'cat /shared/f /b/g; touch /shared/x 2>/dev/null || echo ro']), 'one\ntwo\nro');
  const r = await berth(['create', '--volumes-from', 'nosuch', IMG, 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /No such container: nosuch/);
  await ok(['rm', 'vsrc']);
  await ok(['volume', 'rm', 'shared']);
});

test('--mount readonly, tmpfs size/mode, volume options, bind propagation; --tmpfs', async () => {
  const out = await ok(['run', '--rm',
    '--mount', 'type=volume,src=rovol,dst=/ro,readonly',
    '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770',
    '--mount', 'type=volume,src=tvol,dst=/tv,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=2m',
    '--tmpfs', '/run:size=3m',
    IMG, 'sh', '-c', 'touch /ro/x 2>/dev/null || echo ro; grep -E " /(t|tv|run) " /proc/mounts | cut -d" " -f2,3,4 | sort; stat -c %a /t']);
  const lines = out.split('\n');
  assert.equal(lines[0], 'ro');
  assert.match(lines[1], /^\/run tmpfs rw,.*size=3072k/);
  assert.match(lines[2], /^\/t tmpfs rw,.*size=1024k,mode=1770/);
  assert.match(lines[3], /^\/tv tmpfs rw,.*size=2048k/);
  assert.equal(lines[4], '1770');
  assert.equal(await ok(['volume', 'inspect', '-f', '{{.Options.type}} {{.Options.device}}', 'tvol']), 'tmpfs tmpfs');
  const bind = join(work, 'prop');
  mkdirSync(bind);
  await ok(['create', '--name', 'prop', '--mount', `type=bind,src=${bind},dst=/p,bind-propagation=rslave,readonly`, IMG, 'true']);
  assert.equal(await ok(['inspect', '-f', '{{range .Mounts}}{{if eq .Destination "/p"}}{{.Propagation}} {{.RW}}{{end}}{{end}}', 'prop']), 'rslave false');
  await ok(['rm', 'prop']);
  await ok(['volume', 'rm', 'rovol', 'tvol']);
});

test('--mount volume-subpath: the berth CLI mounts a directory of the volume; a missing one is one clear error', async () => {
  await ok(['run', '--rm', '-v', 'subvol:/v', IMG, 'sh', '-c', 'mkdir -p /v/a/b && echo deep > /v/a/b/f && echo top > /v/top']);
  assert.equal(await ok(['run', '--rm', '--mount', 'type=volume,src=subvol,dst=/m,volume-subpath=a/b', IMG, 'sh', '-c', 'ls /m; cat /m/f']), 'f\ndeep');
  assert.equal(await ok(['inspect', '-f', '{{range .HostConfig.Mounts}}{{.VolumeOptions.Subpath}}{{end}}',
    await ok(['create', '--mount', 'type=volume,src=subvol,dst=/m,volume-subpath=a', IMG, 'true'])]), 'a');
  const r = await berth(['run', '--rm', '--mount', 'type=volume,src=subvol,dst=/m,volume-subpath=nope', IMG, 'true']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /cannot access path .*\/nope: no such file or directory/);
  assert.equal(r.stderr.split('\n').filter((l) => l.startsWith('berth: ')).length, 1, r.stderr); // and docker's "Run 'berth run --help'" hint
  assert.equal(await ok(['run', '--rm', '-v', 'subvol:/v', IMG, 'cat', '/v/top']), 'top', 'the volume is still whole');
  await ok(['container', 'prune', '-f']);
  await ok(['volume', 'rm', 'subvol']);
});

test('local driver options: type=tmpfs and type=none,o=bind,device=DIR; data of a named volume outlives its container', async () => {
  const dev = join(work, 'device');
  mkdirSync(dev);
  await ok(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${dev}`, 'bound']);
  await ok(['volume', 'create', '--driver', 'local', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', 'tmpv']);
  assert.equal(await ok(['run', '--name', 'writer', '-v', 'bound:/b', '-v', 'tmpv:/t', '-v', 'kept:/k', IMG, 'sh', '-c',
    'echo hi > /b/f; echo gone > /t/f; echo stays > /k/f; grep " /t " /proc/mounts | cut -d" " -f3']), 'tmpfs');
  assert.equal(readFileSync(join(dev, 'f'), 'utf8'), 'hi\n');
  await ok(['rm', '-v', 'writer']);
  assert.equal(await ok(['run', '--rm', '-v', 'bound:/b', '-v', 'tmpv:/t', '-v', 'kept:/k', IMG, 'sh', '-c', 'cat /b/f /k/f; ls -A /t | wc -l']), 'hi\nstays\n0');
  await ok(['volume', 'rm', 'bound', 'tmpv', 'kept']);
  assert.equal(readFileSync(join(dev, 'f'), 'utf8'), 'hi\n', 'removing a bind volume leaves the device alone');
  const bad = await berth(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${join(work, 'nope')}`, 'badv']);
  assert.notEqual(bad.code, 0);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
});

test('a read-only bind mount cannot be written; a rw one can', async () => {
  const dir = join(work, 'robind');
  mkdirSync(dir);
  writeFileSync(join(dir, 'in'), 'host\n');
  assert.equal(await ok(['run', '--rm', '-v', `${dir}:/r:ro`, '-v', `${dir}:/w`, IMG, 'sh', '-c', 'cat /r/in; echo new > /r/x 2>/dev/null || echo refused; echo ok > /w/y']), 'host\nrefused');
  assert.equal(readFileSync(join(dir, 'y'), 'utf8'), 'ok\n');
});

test('system df counts each volume\'s bytes and users (docker system df -v reads them)', async () => {
  await ok(['run', '--name', 'dfuser', '-v', 'dfvol:/d', IMG, 'sh', '-c', 'head -c 12345 /dev/zero > /d/a; mkdir /d/s; head -c 55 /dev/zero > /d/s/b; ln /d/a /d/hard']);
  const df = JSON.parse((await daemonRequest(daemon.socket, 'GET', '/system/df')).body) as { Volumes: { Name: string; UsageData: { Size: number; RefCount: number } }[] };
  const v = df.Volumes.find((x) => x.Name === 'dfvol');
  assert.deepEqual(v?.UsageData, { Size: 12345 + 55, RefCount: 1 }, 'a hard link is counted once');
  const out = execFileSync('/usr/local/bin/docker', ['-H', daemon.dockerHost, 'system', 'df', '-v'], { encoding: 'utf8' });
  assert.match(out, /Local Volumes space usage:\s+VOLUME NAME\s+LINKS\s+SIZE\n(.*\n)*dfvol\s+1\s+12\.4kB/);
  await ok(['rm', 'dfuser']);
  await ok(['volume', 'rm', 'dfvol']);
});

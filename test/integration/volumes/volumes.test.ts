// Named and anonymous volumes of the local driver: records that survive a reopen, data that
// outlives its users, refusal to remove a volume in use, prune, tmpfs and bind options, and
// first-use population from the image's content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VolumeService } from '../../../src/engine/volumes/service.js';
import { ANONYMOUS_LABEL } from '../../../src/engine/volumes/types.js';
import { isMountPoint, unmount } from '../../../src/engine/volumes/mounts.js';
import { isBerthError } from '../../../src/common/errors.js';
import { EventBus } from '../../../src/engine/events/bus.js';

let root = '';
const recordUsers = new Map<string, string[]>();
const bus = new EventBus();
const open = () => VolumeService.open({ dataRoot: root, containersUsing: (n) => recordUsers.get(n) ?? [], events: bus });

before(async () => { root = await mkdtemp(join(tmpdir(), 'berthtest-vol-')); });
after(async () => {
  // Unmount whatever a failed test left, then delete the root.
  const vols = await readdir(join(root, 'volumes')).catch(() => [] as string[]);
  for (const v of vols) { const p = join(root, 'volumes', v, '_data'); if (await isMountPoint(p)) await unmount(p); }
  await rm(root, { recursive: true, force: true });
});

test('a named volume keeps its labels and data across a reopen and is removed with its data', async () => {
  const seen: string[] = [];
  const abort = new AbortController();
  const sub = (async () => { for await (const e of bus.subscribe({ signal: abort.signal })) seen.push(`${e.action}:${e.id}`); })();
  let svc = await open();
  const v = await svc.create({ name: 'data1', labels: { app: 'db' } });
  assert.equal(v.mountpoint, join(root, 'volumes', 'data1', '_data'));
  assert.equal(v.driver, 'local');
  await writeFile(join(await svc.mount('data1', 'c1'), 'file'), 'kept');
  await svc.unmount('data1', 'c1');
  assert.deepEqual((await svc.create({ name: 'data1' })).labels, { app: 'db' }); // create again: the same volume
  svc = await open();
  assert.deepEqual(svc.get('data1').labels, { app: 'db' });
  assert.equal(await readFile(join(svc.get('data1').mountpoint, 'file'), 'utf8'), 'kept');
  assert.deepEqual(svc.list().map((x) => x.name), ['data1']);
  await svc.remove('data1');
  assert.equal(existsSync(join(root, 'volumes', 'data1')), false);
  assert.throws(() => svc.get('data1'), (e) => isBerthError(e, 'not_found'));
  await assert.rejects(svc.remove('data1'), (e) => isBerthError(e, 'not_found'));
  await svc.remove('data1', { force: true });
  abort.abort();
  await sub;
  assert.deepEqual(seen, ['create:data1', 'mount:data1', 'unmount:data1', 'destroy:data1']);
});

test('bad names, drivers and options are clear errors', async () => {
  const svc = await open();
  await assert.rejects(svc.create({ name: 'bad/name' }), (e) => isBerthError(e, 'invalid_argument'));
  await assert.rejects(svc.create({ name: 'x1', driver: 'nfs' }), (e) => isBerthError(e, 'not_implemented'));
  await assert.rejects(svc.create({ name: 'x2', options: { size: '1' } }), (e) => isBerthError(e, 'invalid_argument') && /invalid option key/.test(e.message));
  await assert.rejects(svc.create({ name: 'x3', options: { type: 'none', o: 'bind', device: '/nonexistent/berth' } }), (e) => isBerthError(e, 'invalid_argument'));
  await svc.create({ name: 'x4' });
  await assert.rejects(svc.create({ name: 'x4', options: { type: 'tmpfs' } }), (e) => isBerthError(e, 'conflict'));
  await svc.remove('x4');
});

test('a volume in use is not removed without force; prune spares used and named volumes', async () => {
  const svc = await open();
  await svc.create({ name: 'used' });
  const anon = await svc.create();
  assert.equal(anon.name.length, 64);
  assert.ok(ANONYMOUS_LABEL in anon.labels);
  const anonUsed = await svc.create();
  recordUsers.set('used', ['ctr-a']);
  await svc.mount(anonUsed.name, 'ctr-b');
  await assert.rejects(svc.remove('used'), (e) => isBerthError(e, 'conflict') && /in use - \[ctr-a\]/.test(e.message));
  const named = await svc.create({ name: 'named-unused', labels: { tier: 'x' } });
  assert.deepEqual((await svc.prune()).deleted, [anon.name]);
  assert.deepEqual((await svc.prune({ all: true, labels: { tier: 'y' } })).deleted, []);
  assert.deepEqual((await svc.prune({ all: true })).deleted, [named.name]);
  await svc.remove('used', { force: true });
  await svc.unmount(anonUsed.name, 'ctr-b');
  assert.deepEqual((await svc.prune()).deleted, [anonUsed.name]);
  recordUsers.clear();
  assert.deepEqual(svc.list(), []);
});

test('type=tmpfs is a tmpfs while used and empty again at the next use', async () => {
  const svc = await open();
  await svc.create({ name: 'scratch', options: { type: 'tmpfs', o: 'size=1m,mode=1777' } });
  const p = await svc.mount('scratch', 'c1');
  const mounts = await readFile('/proc/self/mounts', 'utf8');
  assert.match(mounts, new RegExp(`^tmpfs ${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} tmpfs [^ ]*size=1024k`, 'm'));
  assert.equal(((await stat(p)).mode & 0o7777).toString(8), '1777');
  await writeFile(join(p, 'tmp'), 'x');
  await svc.mount('scratch', 'c2'); // a second user shares it
  await svc.unmount('scratch', 'c1');
  assert.ok(await isMountPoint(p));
  await svc.unmount('scratch', 'c2');
  assert.equal(await isMountPoint(p), false);
  await svc.mount('scratch', 'c3');
  assert.deepEqual(await readdir(p), []);
  await svc.remove('scratch', { force: true });
  assert.equal(existsSync(p), false);
});

test('type=none o=bind shows the device directory; removing the volume leaves the device alone', async () => {
  const svc = await open();
  const device = await mkdtemp(join(tmpdir(), 'berthtest-voldev-'));
  try {
    await writeFile(join(device, 'hello'), 'from device');
    await svc.create({ name: 'bound', options: { type: 'none', o: 'bind', device } });
    const p = await svc.mount('bound', 'c1');
    assert.equal(await readFile(join(p, 'hello'), 'utf8'), 'from device');
    await writeFile(join(p, 'back'), 'from container');
    await svc.remove('bound', { force: true });
    assert.equal(await readFile(join(device, 'back'), 'utf8'), 'from container');
    assert.equal(await readFile(join(device, 'hello'), 'utf8'), 'from device');
  } finally {
    await rm(device, { recursive: true, force: true });
  }
});

test('an empty volume is filled from the image content at first use, a non-empty one is not', async () => {
  const svc = await open();
  const image = await mkdtemp(join(tmpdir(), 'berthtest-volimg-'));
  try {
    await mkdir(join(image, 'sub'));
    await writeFile(join(image, 'sub', 'conf'), 'image default');
    await svc.create({ name: 'filled' });
    const p = await svc.mount('filled', 'c1', image);
    assert.equal(await readFile(join(p, 'sub', 'conf'), 'utf8'), 'image default');
    await writeFile(join(p, 'sub', 'conf'), 'changed');
    await svc.unmount('filled', 'c1');
    await svc.mount('filled', 'c2', image);
    assert.equal(await readFile(join(p, 'sub', 'conf'), 'utf8'), 'changed');
    await svc.unmount('filled', 'c2');
    await svc.remove('filled');
  } finally {
    await rm(image, { recursive: true, force: true });
  }
});

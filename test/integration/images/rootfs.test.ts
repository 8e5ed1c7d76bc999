// Layers on overlayfs: whiteouts and opaque dirs of a 2-layer image give the right merged view,
// metadata survives unpacking, and a container's writes land in its own upper dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { isMountPoint } from '../../../src/engine/images/rootfs.js';
import { newStore, sha256, streamOf, tarBuffer, busyboxStream } from './helpers.js';

const T = new Date(1_500_000_000_000);

async function dockerArchive(layers: Buffer[], tag: string): Promise<{ archive: Buffer; id: string }> {
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z', config: {},
    rootfs: { type: 'layers', diff_ids: layers.map(sha256) },
  }));
  const id = sha256(config);
  const entries = [
    { name: `${id.slice(7)}.json`, data: config },
    ...layers.map((l, i) => ({ name: `layer${i}/layer.tar`, data: l })),
    { name: 'manifest.json', data: JSON.stringify([{ Config: `${id.slice(7)}.json`, RepoTags: [tag], Layers: layers.map((_, i) => `layer${i}/layer.tar`) }]) },
  ];
  return { archive: await tarBuffer(entries), id };
}

test('a 2-layer image with a whiteout and an opaque dir mounts as the right view', async (t) => {
  const ts = await newStore(t);
  const l1 = await tarBuffer([
    { name: './', type: 'directory', mode: 0o755 },
    { name: 'a/', type: 'directory', mtime: T },
    { name: 'a/keep', data: 'keep\n', uid: 1234, gid: 4321, mode: 0o4755, mtime: T },
    { name: 'a/gone', data: 'gone\n' },
    { name: 'a/hard', type: 'link', linkname: 'a/keep' },
    { name: 'a/sym', type: 'symlink', linkname: '../a/keep' },
    { name: 'd/', type: 'directory' },
    { name: 'd/old1', data: '1' },
    { name: 'd/old2', data: '2' },
    { name: 'dev/', type: 'directory' },
    { name: 'dev/null1', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
    { name: 'p', type: 'fifo' },
    { name: 'evil', type: 'symlink', linkname: '/etc' },
    { name: 'evil/passwd-berth-test', data: 'must stay inside the layer' },
  ]);
  const l2 = await tarBuffer([
    { name: 'a/', type: 'directory', mtime: T },
    { name: 'a/.wh.gone', data: '' },
    { name: 'a/added', data: 'new\n' },
    { name: 'd/', type: 'directory' },
    { name: 'd/.wh..wh..opq', data: '' },
    { name: 'd/new', data: 'n' },
  ]);
  const { archive, id } = await dockerArchive([l1, l2], 'layered:1');
  assert.deepEqual(await ts.store.load(streamOf(archive)), ['layered:1']);
  assert.ok(!existsSync('/etc/passwd-berth-test'), 'a symlinked parent must not escape the layer');

  const merged = await ts.store.mount('c1', id);
  t.after(() => ts.store.unmount('c1'));
  assert.deepEqual(readdirSync(`${merged}/a`).sort(), ['added', 'hard', 'keep', 'sym']);
  assert.deepEqual(readdirSync(`${merged}/d`), ['new']);
  const keep = lstatSync(`${merged}/a/keep`);
  assert.equal(keep.uid, 1234);
  assert.equal(keep.gid, 4321);
  assert.equal(keep.mode & 0o7777, 0o4755);
  assert.equal(keep.mtimeMs, T.getTime());
  assert.equal(lstatSync(`${merged}/a`).mtimeMs, T.getTime());
  assert.equal(lstatSync(`${merged}/a/hard`).ino, keep.ino);
  assert.equal(readlinkSync(`${merged}/a/sym`), '../a/keep');
  assert.equal(readFileSync(`${merged}/a/sym`, 'utf8'), 'keep\n');
  const dev = lstatSync(`${merged}/dev/null1`);
  assert.ok(dev.isCharacterDevice());
  assert.equal(dev.rdev, (1 << 8) | 3);
  assert.ok(lstatSync(`${merged}/p`).isFIFO());
  assert.equal(readFileSync(`${merged}/etc/passwd-berth-test`, 'utf8'), 'must stay inside the layer');

  // Writes land in the container's upper dir, not in the shared layers.
  writeFileSync(`${merged}/a/written`, 'x'.repeat(1000));
  assert.equal(readFileSync(`${ts.root}/overlay/containers/c1/upper/a/written`, 'utf8').length, 1000);
  assert.ok(await ts.store.size('c1') >= 1000);

  // mount is idempotent; unmount then mount again keeps the upper dir; remove deletes it.
  assert.equal(await ts.store.mount('c1', id), merged);
  const count = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === merged).length;
  assert.equal(count(), 1);
  await ts.store.unmount('c1');
  assert.equal(await isMountPoint(merged), false);
  await ts.store.mount('c1', id);
  assert.equal(readFileSync(`${merged}/a/written`, 'utf8').length, 1000);

  // A second container shares the lower dirs and sees none of c1's writes.
  const m2 = await ts.store.mount('c2', 'layered:1');
  t.after(() => ts.store.remove('c2'));
  assert.ok(!existsSync(`${m2}/a/written`));
  await ts.store.remove('c1');
  assert.ok(!existsSync(`${ts.root}/overlay/containers/c1`));
});

test('an image with no layers mounts an empty rootfs', async (t) => {
  const ts = await newStore(t);
  const { archive, id } = await dockerArchive([], 'empty:1');
  await ts.store.load(streamOf(archive));
  const merged = await ts.store.mount('e1', id);
  t.after(() => ts.store.remove('e1'));
  assert.deepEqual(readdirSync(merged), []);
  writeFileSync(`${merged}/f`, 'y');
  assert.equal(await ts.store.size('e1'), 1);
});

test('a force-removed image keeps its layers while a container uses them', async (t) => {
  const ts = await newStore(t);
  const img = await ts.store.import(busyboxStream(), { ref: 'bb' });
  const merged = await ts.store.mount('c9', img.id);
  ts.users.set(img.id, ['c9']);
  const r = await ts.store.remove('bb', { force: true, noPrune: false });
  assert.deepEqual(r, { untagged: ['bb:latest'], deleted: [img.id] });
  assert.ok(statSync(`${merged}/bin/busybox`).size > 0);
  // The container can still be (re)started from its recorded layers, as with Docker.
  await ts.store.unmount('c9');
  assert.equal(await ts.store.mount('c9', img.id), merged);
  assert.ok(statSync(`${merged}/bin/busybox`).size > 0);
  await assert.rejects(ts.store.mount('other', img.id), /No such image/);
  ts.users.clear();
  await ts.store.remove('c9');
  assert.deepEqual(readdirSync(`${ts.root}/overlay`).filter((n) => /^[a-f0-9]{64}$/.test(n)), []);
  assert.deepEqual(readdirSync(`${ts.root}/images/blobs/sha256`), []);
});

test('an image of 120 layers mounts: lowerdir= stays under the page-size limit', async (t) => {
  const ts = await newStore(t);
  const layers: Buffer[] = [];
  for (let i = 0; i < 120; i++) layers.push(await tarBuffer([{ name: `f${i}`, data: `${i}` }, { name: 'top', data: `${i}` }]));
  const { archive, id } = await dockerArchive(layers, 'tall:1');
  await ts.store.load(streamOf(archive));
  const merged = await ts.store.mount('tall', id);
  t.after(() => ts.store.remove('tall'));
  assert.equal(readdirSync(merged).length, 121);
  assert.equal(readFileSync(`${merged}/top`, 'utf8'), '119');
  assert.equal(readFileSync(`${merged}/f0`, 'utf8'), '0');
});

test('extended attributes in PAX headers are restored (file capabilities too); overlay ones are not', async (t) => {
  const ts = await newStore(t);
  // cap_net_raw=ep as Debian's ping carries it: VFS_CAP_REVISION_2, effective, permitted bit 13.
  const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const layer = await tarBuffer([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/ping', data: 'x', mode: 0o755, pax: { 'SCHILY.xattr.security.capability': cap.toString('latin1'), 'SCHILY.xattr.user.note': 'hello' } },
    { name: 'bin/sneaky', data: 'y', pax: { 'SCHILY.xattr.trusted.overlay.opaque': 'y' } },
  ]);
  const { archive, id } = await dockerArchive([layer], 'caps:1');
  await ts.store.load(streamOf(archive));
  const merged = await ts.store.mount('caps', id);
  t.after(() => ts.store.remove('caps'));
  const { execFileSync } = await import('node:child_process');
  const dump = (p: string) => execFileSync('getfattr', ['-d', '-m', '-', '-e', 'hex', p], { encoding: 'utf8' });
  assert.match(dump(`${merged}/bin/ping`), new RegExp(`security.capability=0x${cap.toString('hex')}`));
  assert.match(dump(`${merged}/bin/ping`), /user.note=0x68656c6c6f/);
  assert.doesNotMatch(dump(`${ts.root}/overlay/${sha256(layer).slice(7)}/diff/bin/sneaky`), /overlay/);
});

test('a whiteout naming ".." is refused instead of deleting above the layer', async (t) => {
  const ts = await newStore(t);
  const { mkdirSync, writeFileSync: w } = await import('node:fs');
  mkdirSync(`${ts.root}/canary`);
  w(`${ts.root}/canary/alive`, '1');
  const layer = await tarBuffer([{ name: '.wh..', data: '' }, { name: 'x/.wh..', data: '' }]);
  const { archive } = await dockerArchive([layer], 'bad:1');
  await assert.rejects(ts.store.load(streamOf(archive)), /invalid whiteout/);
  assert.ok(existsSync(`${ts.root}/canary/alive`));
  assert.ok(existsSync(`${ts.root}/overlay`));
});

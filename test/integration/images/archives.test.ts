// save and load: a round trip keeps the image id; OCI image-layout archives (gzip layers) load too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { extract as tarExtract } from 'tar-stream';
import { isBerthError } from '../../../src/common/errors.js';
import type { ImageLoadProgress } from '../../../src/engine/types.js';
import { busyboxStream, newStore, readAll, sha256, streamOf, tarBuffer } from './helpers.js';

async function tarNames(buf: Buffer): Promise<Map<string, Buffer>> {
  const ex = tarExtract();
  const out = new Map<string, Buffer>();
  const reading = (async () => { for await (const e of ex) out.set(e.header.name, await readAll(e)); })();
  ex.end(buf);
  await reading;
  return out;
}

test('save then load into a second store gives the same image id, tags and content', async (t) => {
  const a = await newStore(t);
  const img = await a.store.import(busyboxStream(), { ref: 'busybox:1', changes: ['CMD ["sh"]'] });
  await a.store.tag('busybox:1', 'busybox', 'two');
  const archive = await readAll(await a.store.save(['busybox']));
  const files = await tarNames(archive);
  const manifest = JSON.parse(files.get('manifest.json')!.toString()) as { Config: string; RepoTags: string[]; Layers: string[] }[];
  assert.equal(manifest.length, 1);
  assert.deepEqual(manifest[0].RepoTags.sort(), ['busybox:1', 'busybox:two']);
  assert.equal(sha256(files.get(manifest[0].Config)!), img.id);
  assert.equal(sha256(files.get(manifest[0].Layers[0])!), img.diffIds[0]);
  assert.ok(files.has('index.json') && files.has('oci-layout'));
  assert.ok(a.events.some((e) => e.action === 'save' && e.id === img.id));

  const b = await newStore(t);
  const progress: ImageLoadProgress[] = [];
  const loaded = await b.store.load(streamOf(archive), (p) => progress.push(p));
  assert.deepEqual(loaded.sort(), ['busybox:1', 'busybox:two']);
  assert.ok(progress.some((p) => p.stream === 'Loaded image: busybox:1\n'));
  const got = await b.store.get('busybox:two');
  assert.equal(got.id, img.id);
  assert.deepEqual(got.config.Cmd, ['sh']);
  assert.equal(got.size, img.size);
  assert.ok(b.events.some((e) => e.action === 'load' && e.id === img.id));
  // The layer tar became the blob (hard-linked from the spool, which is gone) and hashes to its diffID.
  const { readFileSync, statSync } = await import('node:fs');
  const blobPath = `${b.root}/images/blobs/sha256/${img.diffIds[0].slice(7)}`;
  assert.equal(sha256(readFileSync(blobPath)), img.diffIds[0]);
  assert.equal(statSync(blobPath).nlink, 1);

  // Loading again is idempotent; saving by id gives an untagged entry, loaded as an id.
  await b.store.load(streamOf(archive));
  const byId = await readAll(await a.store.save([img.id.slice(7, 19)]));
  const c = await newStore(t);
  const progressC: ImageLoadProgress[] = [];
  assert.deepEqual(await c.store.load(streamOf(byId), (p) => progressC.push(p)), [img.id]);
  assert.deepEqual(progressC.filter((p) => p.stream), [{ stream: `Loaded image ID: ${img.id}\n` }]);
  assert.deepEqual((await c.store.get(img.id)).repoTags, []);
});

test('save of an unknown image fails before any byte', async (t) => {
  const { store } = await newStore(t);
  await assert.rejects(store.save(['nope']), (e) => isBerthError(e, 'not_found') && e.message === 'No such image: nope:latest');
});

test('an OCI image-layout archive with a gzip layer loads under its annotated name', async (t) => {
  const layer = await tarBuffer([
    { name: 'bin/', type: 'directory' },
    { name: 'bin/hello', data: '#!/bin/sh\necho hi\n', mode: 0o755, uid: 1000, gid: 1000 },
    { name: 'etc/motd', data: 'welcome\n' },
  ]);
  const gz = gzipSync(layer);
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['/bin/hello'], Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'COPY . /' }],
  }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(gz), size: gz.length }],
  }));
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length,
      annotations: { 'org.opencontainers.image.ref.name': 'registry.local/hello:1.0' } }],
  }));
  const blob = (b: Buffer) => ({ name: `blobs/sha256/${sha256(b).slice(7)}`, data: b });
  const archive = await tarBuffer([{ name: 'oci-layout', data: '{"imageLayoutVersion":"1.0.0"}' }, { name: 'index.json', data: index }, blob(config), blob(manifest), blob(gz)]);

  const { store } = await newStore(t);
  const progress: ImageLoadProgress[] = [];
  assert.deepEqual(await store.load(streamOf(gzipSync(archive)), (p) => progress.push(p)), ['registry.local/hello:1.0']);
  const img = await store.get('registry.local/hello:1.0');
  assert.equal(img.id, sha256(config));
  assert.deepEqual(img.config.Cmd, ['/bin/hello']);
  assert.equal(img.history[0].createdBy, 'COPY . /');
  assert.equal(img.size, 18 + 8);

  // A multi-platform archive (nested index, plus an attestation) loads the host's image only.
  const foreign = Buffer.from(JSON.stringify({ architecture: 's390x', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
  const foreignManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(foreign), size: foreign.length }, layers: [] }));
  const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(foreignManifest), size: foreignManifest.length, platform: { os: 'linux', architecture: 's390x' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, platform: { os: 'linux', architecture: 'amd64' } },
    { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(foreignManifest), size: foreignManifest.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
  ] }));
  const top = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [
    { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(nested), size: nested.length, annotations: { 'io.containerd.image.name': 'docker.io/library/multi:2' } },
  ] }));
  const multi = await tarBuffer([{ name: 'index.json', data: top }, blob(nested), blob(foreign), blob(foreignManifest), blob(config), blob(manifest), blob(gz)]);
  if (process.arch === 'x64') {
    assert.deepEqual(await store.load(streamOf(multi)), ['multi:2']);
    assert.equal((await store.get('multi:2')).id, sha256(config));
  }

  // A corrupt layer (wrong diffID) is refused and leaves nothing behind.
  const badConfig = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256('other')] } }));
  const badManifest = Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: sha256(badConfig), size: badConfig.length }, layers: [{ mediaType: 'x', digest: sha256(gz), size: gz.length }] }));
  const badIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(badManifest), size: badManifest.length }] }));
  const bad = await tarBuffer([{ name: 'index.json', data: badIndex }, blob(badConfig), blob(badManifest), blob(gz)]);
  await assert.rejects(store.load(streamOf(bad)), (e) => isBerthError(e, 'invalid_argument') && /invalid diffID/.test(e.message));
  assert.equal((await store.list()).length, 1);
  await assert.rejects(store.load(streamOf(await tarBuffer([{ name: 'x', data: 'y' }]))), (e) => isBerthError(e, 'invalid_argument') && /neither manifest.json/.test(e.message));
});

test('garbage and truncated input are refused as invalid, leaving nothing behind', async (t) => {
  const { store, root } = await newStore(t);
  const { readFileSync, readdirSync } = await import('node:fs');
  const { busybox } = await import('./helpers.js');
  const tar = readFileSync(busybox());
  const invalid = (e: unknown) => isBerthError(e, 'invalid_argument');
  await assert.rejects(store.load(streamOf(Buffer.from('this is not a tar archive at all'.repeat(40)))), invalid);
  await assert.rejects(store.import(streamOf(tar.subarray(0, 100_000)), { ref: 'cut' }), invalid);
  await assert.rejects(store.import(streamOf(gzipSync(tar).subarray(0, 50_000)), { ref: 'cutgz' }), invalid);
  await assert.rejects(store.load(streamOf(gzipSync(tar).subarray(0, 50_000))), invalid);
  assert.deepEqual(await store.list(), []);
  assert.deepEqual(readdirSync(`${root}/images/tmp`), []);
  assert.deepEqual(readdirSync(`${root}/overlay/tmp`), []);
  assert.deepEqual(readdirSync(`${root}/overlay`).filter((n) => /^[a-f0-9]{64}$/.test(n)), []);
});

test('a reader that goes away mid-save stops the save cleanly', async (t) => {
  const { store } = await newStore(t);
  await store.import(busyboxStream(), { ref: 'half' });
  const s = await store.save(['half']);
  let got = 0;
  for await (const c of s) { got += (c as Buffer).length; if (got > 64 * 1024) break; }
  assert.ok(s.destroyed);
  // The store still works and a full save still completes.
  assert.ok((await readAll(await store.save(['half']))).length > 2_000_000);
});

test('docker-save layers shared through symlinks load; links out of the archive are refused; a moved tag is reported', async (t) => {
  const { store } = await newStore(t);
  const layer = await tarBuffer([{ name: 'hello', data: 'hi' }]);
  const mkConfig = (cmd: string) => Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: [cmd] }, rootfs: { type: 'layers', diff_ids: [sha256(layer)] } }));
  const c1 = mkConfig('one');
  const c2 = mkConfig('two');
  const archive = await tarBuffer([
    { name: 'a/layer.tar', data: layer },
    { name: 'b/', type: 'directory' },
    { name: 'b/layer.tar', type: 'symlink', linkname: '../a/layer.tar' },
    { name: 'c1.json', data: c1 },
    { name: 'c2.json', data: c2 },
    { name: 'manifest.json', data: JSON.stringify([
      { Config: 'c1.json', RepoTags: ['shared:one'], Layers: ['a/layer.tar'] },
      { Config: 'c2.json', RepoTags: ['shared:two'], Layers: ['b/layer.tar'] },
    ]) },
  ]);
  assert.deepEqual(await store.load(streamOf(archive)), ['shared:one', 'shared:two']);
  assert.equal((await store.get('shared:two')).id, sha256(c2));

  // Loading shared:one again from an archive where it names another image moves the tag, saying so.
  const moved = await tarBuffer([
    { name: 'a/layer.tar', data: layer },
    { name: 'c2.json', data: c2 },
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'c2.json', RepoTags: ['shared:one'], Layers: ['a/layer.tar'] }]) },
  ]);
  const lines: string[] = [];
  await store.load(streamOf(moved), (p) => { if (p.stream) lines.push(p.stream); });
  assert.deepEqual(lines, [`The image shared:one already exists, renaming the old one with ID ${sha256(c1)} to empty string\n`, 'Loaded image: shared:one\n']);
  assert.deepEqual((await store.get(sha256(c1))).repoTags, []);

  // (A layer already in the store is not read again, so these name a layer berth does not have.)
  const c3 = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256('elsewhere')] } }));
  const evil = await tarBuffer([
    { name: 'x/layer.tar', type: 'symlink', linkname: '/etc/passwd' },
    { name: 'y/layer.tar', type: 'symlink', linkname: '../../../../etc/passwd' },
    { name: 'c1.json', data: c3 },
    { name: 'manifest.json', data: JSON.stringify([{ Config: 'c1.json', RepoTags: ['evil:1'], Layers: ['x/layer.tar'] }]) },
  ]);
  await assert.rejects(store.load(streamOf(evil)), (e) => isBerthError(e, 'invalid_argument') && /x\/layer.tar is missing/.test(e.message));
  const evil2 = await tarBuffer([
    { name: 'c1.json', data: c1 },
    { name: 'manifest.json', data: JSON.stringify([{ Config: '../../../../etc/hostname', RepoTags: ['evil:2'], Layers: [] }]) },
  ]);
  await assert.rejects(store.load(streamOf(evil2)), (e) => isBerthError(e, 'invalid_argument'));
});

test('an archive cannot write outside its spool through a symlink entry', async (t) => {
  const { store, root } = await newStore(t);
  const { existsSync, mkdirSync } = await import('node:fs');
  mkdirSync(`${root}/outside`);
  const evil = await tarBuffer([
    { name: 'up', type: 'symlink', linkname: '../../../outside/pwned' },
    { name: 'up', data: 'gotcha' },
    { name: 'd', type: 'symlink', linkname: '../../../outside' },
    { name: 'd/pwned2', data: 'gotcha' },
  ]);
  await assert.rejects(store.load(streamOf(evil)), (e) => isBerthError(e, 'invalid_argument'));
  // A link allowed inside the spool still cannot redirect a later file of the same name.
  const clash = await tarBuffer([{ name: 'a', data: 'x' }, { name: 'b', type: 'symlink', linkname: 'a' }, { name: 'b', data: 'over' }]);
  await assert.rejects(store.load(streamOf(clash)), (e) => isBerthError(e, 'invalid_argument') && /invalid archive/.test(e.message));
  assert.ok(!existsSync(`${root}/outside/pwned`));
  assert.ok(!existsSync(`${root}/outside/pwned2`));
});

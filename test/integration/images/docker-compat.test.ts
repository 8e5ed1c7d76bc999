// Against the real Docker engine (Debian's docker.io): an image Docker saved loads into berth
// with the same id, and an image berth saved loads into Docker with the same id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { cleanupDir, busybox, busyboxStream, newStore, readAll, streamOf } from './helpers.js';
import { dockerdAvailable, startDockerd, type Dockerd } from './dockerd.js';

const missing = dockerdAvailable();
let dockerd: Dockerd | undefined;

before(async () => { if (!missing) dockerd = await startDockerd(); });
after(async () => {
  if (!dockerd) return;
  try {
    // Docker's own overlay mounts live under its data root: stop it first, then sweep.
    await dockerd.stop();
  } finally {
    cleanupDir(dockerd.dir);
  }
});

test('an image saved by the real Docker engine loads into berth with the same id', { skip: missing ?? false }, async (t) => {
  const d = dockerd!;
  d.docker(['import', '-c', 'CMD ["sh"]', '-c', 'ENV PATH=/bin', busybox(), 'dbb:1']);
  const id = d.docker(['inspect', '--format', '{{.Id}}', 'dbb:1']).toString().trim();
  const archive = d.docker(['save', 'dbb:1']);
  const { store } = await newStore(t);
  const lines: string[] = [];
  assert.deepEqual(await store.load(streamOf(archive), (p) => { if (p.stream) lines.push(p.stream); }), ['dbb:1']);
  assert.deepEqual(lines, ['Loaded image: dbb:1\n']);
  const img = await store.get('dbb:1');
  assert.equal(img.id, id);
  assert.deepEqual(img.config.Cmd, ['sh']);
  assert.deepEqual(img.config.Env, ['PATH=/bin']);
  const merged = await store.mount('from-docker', img.id);
  t.after(() => store.remove('from-docker'));
  assert.ok(readdirSync(join(merged, 'bin')).includes('busybox'));
  // It runs: the image's own shell from the overlay rootfs (the container service does the rest).
  assert.equal(execFileSync('chroot', [merged, '/bin/sh', '-c', 'echo hi from $(basename $(readlink /bin/sh))'], { encoding: 'utf8' }), 'hi from busybox\n');
});

test('an image saved by berth loads into the real Docker engine with the same id', { skip: missing ?? false }, async (t) => {
  const d = dockerd!;
  const { store, root } = await newStore(t);
  const img = await store.import(busyboxStream(), { ref: 'berthbb:2', changes: ['CMD ["echo", "hello"]'] });
  const file = join(root, 'saved.tar');
  writeFileSync(file, await readAll(await store.save(['berthbb:2'])));
  const out = d.docker(['load', '-i', file]).toString();
  assert.match(out, /Loaded image: berthbb:2/);
  assert.equal(d.docker(['inspect', '--format', '{{.Id}}', 'berthbb:2']).toString().trim(), img.id);
  // And back again: Docker's save of berth's image loads into a fresh berth store unchanged.
  const again = await newStore(t);
  await again.store.load(streamOf(d.docker(['save', 'berthbb:2'])));
  assert.equal((await again.store.get('berthbb:2')).id, img.id);
});

// import, get, list, tag, history: a busybox rootfs tar becomes an image found by every name Docker accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../../../src/common/errors.js';
import { busyboxStream, newStore } from './helpers.js';

test('import makes a one-layer image found by id, short id, name and normalised name', async (t) => {
  const { store, events } = await newStore(t);
  const img = await store.import(busyboxStream(), { ref: 'busybox' });
  assert.match(img.id, /^sha256:[a-f0-9]{64}$/);
  assert.deepEqual(img.repoTags, ['busybox:latest']);
  assert.equal(img.diffIds.length, 1);
  assert.equal(img.os, 'linux');
  assert.ok(img.size > 500_000, `size ${img.size}`);
  assert.equal(img.comment, 'Imported from -');
  for (const ref of [img.id, img.id.slice(7), img.id.slice(7, 19), `sha256:${img.id.slice(7, 19)}`, 'busybox', 'busybox:latest', 'docker.io/library/busybox', 'docker.io/library/busybox:latest', 'index.docker.io/library/busybox']) {
    assert.equal((await store.get(ref)).id, img.id, ref);
  }
  const list = await store.list();
  assert.deepEqual(list.map((i) => i.id), [img.id]);
  assert.deepEqual(events.filter((e) => e.type === 'image').map((e) => e.action), ['import', 'tag']);
});

test('unknown images and bad references fail as Docker says', async (t) => {
  const { store } = await newStore(t);
  await assert.rejects(store.get('foo'), (e) => isBerthError(e, 'not_found') && e.message === 'No such image: foo:latest');
  await assert.rejects(store.get('foo:1.0'), (e) => isBerthError(e, 'not_found') && e.message === 'No such image: foo:1.0');
  await assert.rejects(store.get('Foo'), (e) => isBerthError(e, 'invalid_argument') && /must be lowercase/.test(e.message));
  await assert.rejects(store.get('a b'), (e) => isBerthError(e, 'invalid_argument') && e.message === 'invalid reference format');
});

test('import applies --change lines to the config', async (t) => {
  const { store } = await newStore(t);
  const img = await store.import(busyboxStream(), {
    ref: 'example.com:5000/team/tool:v1',
    message: 'hello',
    changes: [
      'ENV PATH=/usr/bin:/bin', 'ENV A=1 B="two words"', 'ENV C=${A}x', 'WORKDIR /srv', 'WORKDIR app', 'USER nobody',
      'EXPOSE 80 53/udp', 'LABEL org.x=y "k 2"=v2', 'VOLUME ["/data"]', 'STOPSIGNAL SIGINT', 'ENTRYPOINT ["/bin/sh", "-c"]', 'CMD echo hi',
    ],
  });
  assert.deepEqual(img.repoTags, ['example.com:5000/team/tool:v1']);
  assert.equal(img.comment, 'hello');
  const c = img.config;
  assert.deepEqual(c.Env, ['PATH=/usr/bin:/bin', 'A=1', 'B=two words', 'C=1x']);
  assert.equal(c.WorkingDir, '/srv/app');
  assert.equal(c.User, 'nobody');
  assert.deepEqual(Object.keys(c.ExposedPorts ?? {}).sort(), ['53/udp', '80/tcp']);
  assert.deepEqual(c.Labels, { 'org.x': 'y', 'k 2': 'v2' });
  assert.deepEqual(Object.keys(c.Volumes ?? {}), ['/data']);
  assert.equal(c.StopSignal, 'SIGINT');
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c']);
  assert.deepEqual(c.Cmd, ['/bin/sh', '-c', 'echo hi']);
  await assert.rejects(store.import(busyboxStream(), { changes: ['RUN echo'] }), (e) => isBerthError(e, 'invalid_argument') && e.message === 'RUN is not a valid change command');
});

test('identical content imports share one layer; tag moves and history shows the layer', async (t) => {
  const { store, root } = await newStore(t);
  const a = await store.import(busyboxStream(), { ref: 'a' });
  const b = await store.import(busyboxStream(), { ref: 'b', changes: ['CMD ["sh"]'] });
  assert.notEqual(a.id, b.id);
  assert.deepEqual(a.diffIds, b.diffIds);
  const { readdirSync } = await import('node:fs');
  assert.equal(readdirSync(`${root}/overlay`).filter((n) => /^[a-f0-9]{64}$/.test(n)).length, 1);
  await store.tag('a', 'c', '');
  await store.tag('b', 'c', 'latest');
  assert.deepEqual((await store.get('c')).id, b.id);
  assert.deepEqual((await store.get(b.id)).repoTags, ['b:latest', 'c:latest']);
  const h = await store.history('b');
  assert.equal(h.length, 1);
  assert.equal(h[0].id, b.id);
  assert.equal(h[0].comment, 'Imported from -');
  assert.equal(h[0].size, b.size);
  assert.deepEqual(h[0].tags, ['b:latest', 'c:latest']);
});

test('the store survives a reopen, and half-written files are dropped', async (t) => {
  const ts = await newStore(t);
  const img = await ts.store.import(busyboxStream(), { ref: 'keep' });
  const { writeFileSync, mkdirSync, existsSync } = await import('node:fs');
  writeFileSync(`${ts.root}/images/tmp/layer-junk`, 'x');
  writeFileSync(`${ts.root}/images/imagedb/.tmp-x.json-123`, 'x');
  mkdirSync(`${ts.root}/overlay/${'f'.repeat(64)}/diff`, { recursive: true });
  const store = await ts.reopen();
  assert.equal((await store.get('keep')).id, img.id);
  assert.equal((await store.get('keep')).size, img.size);
  assert.ok(!existsSync(`${ts.root}/images/tmp/layer-junk`));
  assert.ok(!existsSync(`${ts.root}/images/imagedb/.tmp-x.json-123`));
  assert.ok(!existsSync(`${ts.root}/overlay/${'f'.repeat(64)}`));
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestFor } from './push.js';

const d = (n: number) => `sha256:${String(n).repeat(64)}`;
const cfg = { size: 10, digest: d(9) };

test('gzip layers, whichever name they were seen under, make a Docker schema2 manifest', () => {
  const m = manifestFor([{ digest: d(1), size: 1, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }], cfg);
  assert.equal(m.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.equal(m.config.mediaType, 'application/vnd.docker.container.image.v1+json');
  assert.equal(m.layers[0].mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
});

test('a zstd layer makes the whole manifest OCI', () => {
  const m = manifestFor([
    { digest: d(1), size: 1, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' },
    { digest: d(2), size: 2, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
  ], cfg);
  assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(m.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.deepEqual(m.layers.map((l) => l.mediaType), ['application/vnd.oci.image.layer.v1.tar+gzip', 'application/vnd.oci.image.layer.v1.tar+zstd']);
});

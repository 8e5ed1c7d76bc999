import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goFileMode, statHeader } from './containers_archive.js';

test('unix modes become Go os.FileMode bits, as docker cp reads them', () => {
  assert.equal(goFileMode(0o100644), 0o644); // regular file
  assert.equal(goFileMode(0o040755), 2 ** 31 + 0o755); // ModeDir
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777); // ModeSymlink
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755); // setuid
  assert.equal(goFileMode(0o041777), 2 ** 31 + 2 ** 20 + 0o777); // sticky dir (/tmp)
  assert.equal(goFileMode(2 ** 31 + 0o755), 2 ** 31 + 0o755, 'a Go mode passes through');
});

test('the stat header is base64 JSON with Docker\'s field names', () => {
  const h = statHeader({ name: 'tmp', size: 4096, mode: 0o041777, mtime: '2024-01-01T00:00:00Z', linkTarget: '' });
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64').toString()), { name: 'tmp', size: 4096, mode: 2 ** 31 + 2 ** 20 + 0o777, mtime: '2024-01-01T00:00:00Z', linkTarget: '' });
});

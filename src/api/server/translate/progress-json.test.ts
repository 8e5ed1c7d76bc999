import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanSize, progressBar, progressJson } from './progress-json.js';

test('sizes read as Docker prints them', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(527), '527B');
  assert.equal(humanSize(1234), '1.23kB');
  assert.equal(humanSize(3_450_000), '3.45MB');
});

test('a half-done download draws a half bar', () => {
  assert.equal(progressBar(500, 1000), `[${'='.repeat(25)}>${' '.repeat(25)}]     500B/1kB`);
});

test('a downloading message carries detail, bar and id', () => {
  const m = progressJson({ status: 'Downloading', id: 'abc', progressDetail: { current: 1, total: 2 } });
  assert.deepEqual(Object.keys(m), ['status', 'progressDetail', 'progress', 'id']);
  assert.deepEqual(progressJson({ status: 'Digest: sha256:x' }), { status: 'Digest: sha256:x' });
});

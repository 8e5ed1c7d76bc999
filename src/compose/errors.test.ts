import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocated, formatPath, parsePath } from './errors.js';

test('model paths print as Compose prints them and parse back', () => {
  const p = ['services', 'web', 'ports', 1, 'target'];
  assert.equal(formatPath(p), 'services.web.ports[1].target');
  assert.deepEqual(parsePath('services.web.ports[1].target'), p);
  assert.deepEqual(parsePath('a.b[0][2]'), ['a', 'b', 0, 2]);
});

test('locations leave out what is unknown', () => {
  assert.equal(formatLocated('bad', { file: 'compose.yaml', line: 3, path: 'services.s' }), 'compose.yaml:3: services.s: bad');
  assert.equal(formatLocated('bad', { file: 'compose.yaml' }), 'compose.yaml: bad');
  assert.equal(formatLocated('bad', { path: 'services' }), 'services: bad');
  assert.equal(formatLocated('bad'), 'bad');
});

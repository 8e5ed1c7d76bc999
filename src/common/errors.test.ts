import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asBerthError, isBerthError, notFound } from './errors.js';

test('a typed error keeps its kind and details', () => {
  const e = notFound('No such container: web', { id: 'web' });
  assert.equal(e.kind, 'not_found');
  assert.deepEqual(e.details, { id: 'web' });
  assert.ok(isBerthError(e, 'not_found'));
  assert.ok(!isBerthError(e, 'conflict'));
});

test('anything thrown becomes an internal error with its cause', () => {
  const cause = new TypeError('boom');
  const e = asBerthError(cause);
  assert.equal(e.kind, 'internal');
  assert.equal(e.message, 'boom');
  assert.equal(e.cause, cause);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../../../common/errors.js';
import { compareVersions, splitVersion } from './api-version.js';

test('versions compare numerically, not as strings', () => {
  assert.ok(compareVersions('1.9', '1.10') < 0);
  assert.equal(compareVersions('1.44', '1.44'), 0);
  assert.ok(compareVersions('1.44', '1.24') > 0);
});

test('the /v1.xx prefix is optional', () => {
  assert.deepEqual(splitVersion('/v1.43/containers/json'), { version: '1.43', path: '/containers/json', explicit: true });
  assert.deepEqual(splitVersion('/containers/json'), { version: '1.44', path: '/containers/json', explicit: false });
  assert.equal(splitVersion('/v1.44/_ping').path, '/_ping');
});

test('a version above 1.44 gets Docker\'s "too new" error as invalid_argument', () => {
  assert.throws(() => splitVersion('/v1.47/info'), (e) => isBerthError(e, 'invalid_argument') && e.message === 'client version 1.47 is too new. Maximum supported API version is 1.44');
});

test('a version below 1.24 is too old', () => {
  assert.throws(() => splitVersion('/v1.12/info'), /client version 1.12 is too old. Minimum supported API version is 1.24/);
});

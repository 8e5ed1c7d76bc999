import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenges } from './challenge.js';

test('a bearer challenge with quoted parameters', () => {
  const c = parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/redis:pull"');
  assert.deepEqual(c, [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/redis:pull' } }]);
});

test('a basic challenge, and several challenges in one header', () => {
  assert.deepEqual(parseChallenges('Basic realm="Registry Realm"'), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }]);
  const two = parseChallenges('Basic realm="a", Bearer realm="b",service=s');
  assert.deepEqual(two.map((c) => [c.scheme, c.params.realm]), [['basic', 'a'], ['bearer', 'b']]);
  assert.equal(two[1].params.service, 's');
});

test('no header: no challenge', () => {
  assert.deepEqual(parseChallenges(undefined), []);
});

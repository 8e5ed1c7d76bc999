import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../../common/errors.js';
import { familiarString, normalizedTagKey, parseAnyReference, parseNormalizedNamed, tagNameOnly } from './reference.js';

test('short names normalise to docker.io/library with the latest tag, and print back short', () => {
  const cases: [string, string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['user/app', 'docker.io/user/app:latest', 'user/app:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/library/a/b', 'docker.io/library/a/b:latest', 'library/a/b:latest'],
    ['localhost/app', 'localhost/app:latest', 'localhost/app:latest'],
    ['localhost:5000/app:v1', 'localhost:5000/app:v1', 'localhost:5000/app:v1'],
    ['ghcr.io/owner/repo/sub:tag_1.0-x', 'ghcr.io/owner/repo/sub:tag_1.0-x', 'ghcr.io/owner/repo/sub:tag_1.0-x'],
    ['[::1]:5000/app', '[::1]:5000/app:latest', '[::1]:5000/app:latest'],
    ['my_app__x--y.z', 'docker.io/library/my_app__x--y.z:latest', 'my_app__x--y.z:latest'],
  ];
  for (const [input, full, familiar] of cases) {
    assert.equal(normalizedTagKey(input), full, input);
    assert.equal(familiarString(tagNameOnly(parseNormalizedNamed(input))), familiar, input);
  }
});

test('digests are kept and bare 64-hex strings are ids, not names', () => {
  const d = `sha256:${'a'.repeat(64)}`;
  assert.deepEqual(parseNormalizedNamed(`busybox@${d}`), { name: 'docker.io/library/busybox', tag: undefined, digest: d });
  assert.equal(parseAnyReference('b'.repeat(64)), null);
  assert.throws(() => parseNormalizedNamed('b'.repeat(64)), /cannot specify 64-byte hexadecimal strings/);
});

test('malformed references fail with Docker\'s words', () => {
  const bad: [string, RegExp][] = [
    ['UPPER', /repository name \(library\/UPPER\) must be lowercase/],
    ['a b', /^invalid reference format$/],
    ['app:', /^invalid reference format$/],
    ['-app', /^invalid reference format$/],
    ['app:-tag', /^invalid reference format$/],
    [`app:${'t'.repeat(129)}`, /^invalid reference format$/],
    ['', /^invalid reference format$/],
  ];
  for (const [input, re] of bad) {
    assert.throws(() => parseNormalizedNamed(input), (e) => isBerthError(e, 'invalid_argument') && re.test(e.message), input);
  }
  // A registry host may have capitals; the path may not.
  assert.equal(normalizedTagKey('Registry.Example.com/app'), 'Registry.Example.com/app:latest');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVolumeSpec, cleanPath } from './volumes.js';

test('anonymous, named and bind volumes', () => {
  assert.deepEqual(parseVolumeSpec('/data'), { type: 'volume', target: '/data', volume: {} });
  assert.deepEqual(parseVolumeSpec('db:/var/lib/db'), { type: 'volume', source: 'db', target: '/var/lib/db', volume: {} });
  assert.deepEqual(parseVolumeSpec('./src:/app'), { type: 'bind', source: './src', target: '/app', bind: { create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('~/x:/x'), { type: 'bind', source: '~/x', target: '/x', bind: { create_host_path: true } });
});

test('options: ro, nocopy, selinux and propagation', () => {
  assert.deepEqual(parseVolumeSpec('/h:/c:ro,z'), { type: 'bind', source: '/h', target: '/c', read_only: true, bind: { selinux: 'z', create_host_path: true } });
  assert.deepEqual(parseVolumeSpec('vol:/c:nocopy'), { type: 'volume', source: 'vol', target: '/c', volume: { nocopy: true } });
  assert.deepEqual(parseVolumeSpec('/h:/c:rslave'), { type: 'bind', source: '/h', target: '/c', bind: { propagation: 'rslave', create_host_path: true } });
});

test('a colon inside ${...} does not split the spec', () => {
  assert.deepEqual(parseVolumeSpec('${SRC:-./x}:/y'), { type: 'volume', source: '${SRC:-./x}', target: '/y', volume: {} });
});

test('malformed specs', () => {
  assert.throws(() => parseVolumeSpec(''), /empty volume spec/);
  assert.throws(() => parseVolumeSpec('ab::/b'), /empty section/);
  assert.throws(() => parseVolumeSpec('./a:/b:ro:x'), /too many colons/);
});

test('cleanPath behaves like Go path.Clean', () => {
  assert.equal(cleanPath('/a/b/../c/'), '/a/c');
  assert.equal(cleanPath('/../x'), '/x');
  assert.equal(cleanPath('a/./b//c'), 'a/b/c');
  assert.equal(cleanPath(''), '.');
});

test('a one-letter source followed by a colon is read as a Windows drive, as Compose does', () => {
  assert.deepEqual(parseVolumeSpec('c:/data'), { type: 'volume', target: 'c:/data', volume: {} });
});

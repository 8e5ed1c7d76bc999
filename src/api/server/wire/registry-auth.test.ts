import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authFromJson, decodeRegistryAuth } from './registry-auth.js';

test('the docker CLI header decodes (base64url JSON)', () => {
  const h = Buffer.from(JSON.stringify({ username: 'u', password: 'p?>', serveraddress: '127.0.0.1:5000' })).toString('base64url');
  assert.deepEqual(decodeRegistryAuth(h), { username: 'u', password: 'p?>', serveraddress: '127.0.0.1:5000' });
});

test('an empty header or {} means anonymous', () => {
  assert.equal(decodeRegistryAuth(undefined), undefined);
  assert.equal(decodeRegistryAuth(Buffer.from('{}').toString('base64')), undefined);
});

test('a garbled header is the client\'s error', () => {
  assert.throws(() => decodeRegistryAuth('%%%'), /X-Registry-Auth/);
});

test('config.json\'s "auth" field stands for user and password', () => {
  assert.deepEqual(authFromJson({ auth: Buffer.from('a:b:c').toString('base64') }), { username: 'a', password: 'b:c' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HUB_SERVER, registryAuthHeader, registryOfImage, removeAuth, serverKey, storeAuth, storedAuth } from './credentials.js';

test('images name their registry as the docker CLI splits them', () => {
  assert.equal(registryOfImage('redis'), HUB_SERVER);
  assert.equal(registryOfImage('library/redis:7'), HUB_SERVER);
  assert.equal(registryOfImage('127.0.0.1:5000/a/b:c'), '127.0.0.1:5000');
  assert.equal(registryOfImage('localhost/x'), 'localhost');
  assert.equal(serverKey('docker.io'), HUB_SERVER);
  assert.equal(serverKey('https://reg.example.com/'), 'reg.example.com');
});

test('login, lookup and logout round-trip through $DOCKER_CONFIG/config.json, keeping other keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cfg-'));
  const before = process.env.DOCKER_CONFIG;
  process.env.DOCKER_CONFIG = dir;
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ psFormat: 'x' }));
    storeAuth('127.0.0.1:5000', 'alice', 's3:cret');
    const file = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(file.psFormat, 'x');
    assert.equal(file.auths['127.0.0.1:5000'].auth, Buffer.from('alice:s3:cret').toString('base64'));
    assert.deepEqual(storedAuth('127.0.0.1:5000'), { serveraddress: '127.0.0.1:5000', username: 'alice', password: 's3:cret' });
    const header = JSON.parse(Buffer.from(registryAuthHeader('127.0.0.1:5000/app:1'), 'base64url').toString());
    assert.equal(header.username, 'alice');
    assert.equal(removeAuth('127.0.0.1:5000'), true);
    assert.equal(removeAuth('127.0.0.1:5000'), false);
    assert.equal(storedAuth('127.0.0.1:5000'), undefined);
  } finally {
    if (before === undefined) delete process.env.DOCKER_CONFIG; else process.env.DOCKER_CONFIG = before;
    rmSync(dir, { recursive: true, force: true });
  }
});

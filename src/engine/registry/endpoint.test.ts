import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiHost, checkInsecureEntry, isInsecure } from './endpoint.js';

test('loopback registries may use plain http; others only when named insecure', () => {
  const none = { insecureRegistries: [] };
  assert.equal(isInsecure('127.0.0.1:5000', none), true);
  assert.equal(isInsecure('localhost:5000', none), true);
  assert.equal(isInsecure('[::1]:5000', none), true);
  assert.equal(isInsecure('10.1.2.3:5000', none), false);
  assert.equal(isInsecure('registry.example.com', none), false);
  assert.equal(isInsecure('10.1.2.3:5000', { insecureRegistries: ['10.1.2.3:5000'] }), true);
  assert.equal(isInsecure('10.1.2.3:5000', { insecureRegistries: ['10.0.0.0/8'] }), true);
  assert.equal(isInsecure('10.1.2.3:5001', { insecureRegistries: ['10.1.2.3:5000'] }), false);
});

test('Docker Hub is reached through its API host', () => {
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  assert.equal(apiHost('quay.io'), 'quay.io');
});

test('--insecure-registry values are checked as dockerd does', () => {
  assert.match(checkInsecureEntry('http://a:5000') ?? '', /should not contain/);
  assert.equal(checkInsecureEntry('a:5000'), undefined);
  assert.equal(checkInsecureEntry('10.0.0.0/8'), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listenAddress, metricsAddress, parseFlags } from './flags.js';

test('defaults are Docker-like paths under /var/lib/berth and /run/berth', () => {
  const f = parseFlags([]);
  assert.equal(f.dataRoot, '/var/lib/berth');
  assert.equal(f.execRoot, '/run/berth');
  assert.equal(f.host, 'unix:///run/berth/berth.sock');
  assert.equal(f.runtime, 'auto');
  assert.equal(f.logFormat, 'json');
});

test('flags take "--flag value" and "--flag=value", -H for --host', () => {
  const f = parseFlags(['--data-root=/d', '--exec-root', '/e', '-H', 'tcp://127.0.0.1:2375', '--runtime', 'runc', '--log-level', 'debug', '--log-format=text']);
  assert.deepEqual([f.dataRoot, f.execRoot, f.host, f.runtime, f.logLevel, f.logFormat], ['/d', '/e', 'tcp://127.0.0.1:2375', 'runc', 'debug', 'text']);
});

test('bad flags are one-line invalid_argument errors', () => {
  assert.throws(() => parseFlags(['--runtime', 'kata']), /invalid --runtime "kata"/);
  assert.throws(() => parseFlags(['--nope']), /unknown flag: --nope/);
  assert.throws(() => parseFlags(['--data-root']), /flag needs an argument/);
  assert.throws(() => parseFlags(['-H', 'http://x']), /invalid --host/);
});

test('listen addresses: unix paths and tcp host:port', () => {
  assert.deepEqual(listenAddress('unix:///run/x.sock'), { kind: 'unix', path: '/run/x.sock' });
  assert.deepEqual(listenAddress('tcp://127.0.0.1:0'), { kind: 'tcp', host: '127.0.0.1', port: 0 });
  assert.throws(() => listenAddress('unix://relative.sock'), /absolute/);
});

test('--metrics-addr is off by default and takes host:port as dockerd does', () => {
  assert.equal(parseFlags([]).metricsAddr, '');
  assert.equal(parseFlags(['--metrics-addr', '127.0.0.1:9323']).metricsAddr, '127.0.0.1:9323');
  assert.deepEqual(metricsAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(metricsAddress('[::1]:9323'), { host: '::1', port: 9323 });
  assert.deepEqual(metricsAddress(':9323'), { host: '0.0.0.0', port: 9323 });
  assert.throws(() => parseFlags(['--metrics-addr', '9323']), /invalid --metrics-addr "9323": use host:port/);
  assert.throws(() => parseFlags(['--metrics-addr', 'localhost:99999']), /invalid --metrics-addr/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePortSpec, PortSyntaxError } from './ports.js';

test('container port only', () => {
  assert.deepEqual(parsePortSpec('80'), [{ mode: 'ingress', target: 80, protocol: 'tcp' }]);
});

test('host ip, host port and protocol', () => {
  assert.deepEqual(parsePortSpec('127.0.0.1:8080:80/udp'), [{ mode: 'ingress', host_ip: '127.0.0.1', target: 80, published: '8080', protocol: 'udp' }]);
  assert.deepEqual(parsePortSpec('[::1]:53:53'), [{ mode: 'ingress', host_ip: '::1', target: 53, published: '53', protocol: 'tcp' }]);
  assert.deepEqual(parsePortSpec('0.0.0.0::80'), [{ mode: 'ingress', host_ip: '0.0.0.0', target: 80, protocol: 'tcp' }]);
});

test('ranges expand one port per target, sorted as strings like Compose', () => {
  assert.deepEqual(parsePortSpec('9-10:99-100').map((p) => [p.published, p.target]), [['10', 100], ['9', 99]]);
  assert.deepEqual(parsePortSpec('8000-8005:80'), [{ mode: 'ingress', target: 80, published: '8000-8005', protocol: 'tcp' }]);
});

test('bad specs are rejected with the reason', () => {
  assert.throws(() => parsePortSpec('80-81:90-95'), /invalid ranges/);
  assert.throws(() => parsePortSpec('x:80'), /invalid hostPort: x/);
  assert.throws(() => parsePortSpec('80/icmp'), /invalid proto: icmp/);
  assert.throws(() => parsePortSpec('999.1.1.1:80:80'), PortSyntaxError);
  assert.throws(() => parsePortSpec(''), /no port specified/);
});

test('IP addresses are checked like Go net.ParseIP', async () => {
  const { isIPAddress } = await import('./ports.js');
  for (const ok of ['127.0.0.1', '0.0.0.0', '::1', '::', 'fe80::1', '2001:db8::8a2e:370:7334', '::ffff:10.0.0.1', '1:2:3:4:5:6:7:8']) assert.ok(isIPAddress(ok), ok);
  for (const bad of ['1.2.3', '256.1.1.1', 'localhost', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::1', '']) assert.ok(!isIPAddress(bad), bad);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePublishSpec, portRequestsFromBindings } from './port-specs.js';
import { isBerthError } from '../../common/errors.js';

test('-p forms: container only, host:container, ip:host:container/udp, ip::container, ranges', () => {
  assert.deepEqual(parsePublishSpec('80'), [{ hostIp: '0.0.0.0', hostPort: 0, containerPort: 80, proto: 'tcp' }]);
  assert.deepEqual(parsePublishSpec('8080:80'), [{ hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' }]);
  assert.deepEqual(parsePublishSpec('127.0.0.1:53:53/udp'), [{ hostIp: '127.0.0.1', hostPort: 53, containerPort: 53, proto: 'udp' }]);
  assert.deepEqual(parsePublishSpec('127.0.0.1::80')[0]?.hostPort, 0);
  assert.deepEqual(parsePublishSpec('8000-8002:80-82').map((p) => `${p.hostPort}:${p.containerPort}`), ['8000:80', '8001:81', '8002:82']);
  for (const bad of ['8000-8001:80-82', 'x:80', '80/sctp', '1.2.3:80:80', '70000:80', '0']) {
    assert.throws(() => parsePublishSpec(bad), (e) => isBerthError(e, 'invalid_argument'), bad);
  }
});

test('API PortBindings and -P', () => {
  const r = portRequestsFromBindings({ '80/tcp': [{ hostIp: '', hostPort: '8080' }], '53/udp': null }, ['80/tcp', '53/udp', '9000/tcp'], true);
  assert.deepEqual(r, [
    { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, proto: 'tcp' },
    { hostIp: '0.0.0.0', hostPort: 0, containerPort: 53, proto: 'udp' },
    { hostIp: '0.0.0.0', hostPort: 0, containerPort: 9000, proto: 'tcp' },
  ]);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeModels } from './merge.js';

const svc = (s: Record<string, unknown>) => ({ services: { web: s } });

test('mappings merge key by key, scalars are replaced', () => {
  const m = mergeModels(svc({ image: 'a', restart: 'no', deploy: { replicas: 1, labels: { x: '1' } } }), svc({ image: 'b', deploy: { replicas: 2 } }));
  assert.deepEqual(m, svc({ image: 'b', restart: 'no', deploy: { replicas: 2, labels: { x: '1' } } }));
});

test('environment and labels merge by key whatever their form', () => {
  const m = mergeModels(svc({ environment: { A: '1', B: '2' } }), svc({ environment: ['B=3', 'C'] }));
  assert.deepEqual((m.services as any).web.environment, ['A=1', 'B=3', 'C']);
});

test('command, entrypoint and healthcheck.test are replaced, not appended', () => {
  const m = mergeModels(svc({ command: ['a', 'b'], healthcheck: { test: ['CMD', 'x'], retries: 3 } }), svc({ command: ['c'], healthcheck: { test: ['CMD', 'y'] } }));
  assert.deepEqual((m.services as any).web.command, ['c']);
  assert.deepEqual((m.services as any).web.healthcheck, { test: ['CMD', 'y'], retries: 3 });
});

test('ports are unique by host ip, published port, target and protocol', () => {
  const p = (published: string, target = 80) => ({ mode: 'ingress', target, published, protocol: 'tcp' });
  const m = mergeModels(svc({ ports: [p('8080'), p('9090')] }), svc({ ports: [p('8080'), p('7070')] }));
  assert.deepEqual((m.services as any).web.ports, [p('8080'), p('9090'), p('7070')]);
});

test('volumes are unique by target and the later one keeps the earlier position', () => {
  const v = (source: string, target: string) => ({ type: 'bind', source, target });
  const m = mergeModels(svc({ volumes: [v('./a', '/data'), v('./l', '/logs')] }), svc({ volumes: [v('./b', '/data')] }));
  assert.deepEqual((m.services as any).web.volumes, [v('./b', '/data'), v('./l', '/logs')]);
});

test('secrets are unique by target, defaulting to /run/secrets/<source>', () => {
  const m = mergeModels(svc({ secrets: [{ source: 'a' }] }), svc({ secrets: [{ source: 'b', target: '/run/secrets/a' }, { source: 'c' }] }));
  assert.deepEqual((m.services as any).web.secrets, [{ source: 'b', target: '/run/secrets/a' }, { source: 'c' }]);
});

test('logging with another driver replaces the whole block', () => {
  const m = mergeModels(svc({ logging: { driver: 'json-file', options: { a: '1' } } }), svc({ logging: { driver: 'syslog' } }));
  assert.deepEqual((m.services as any).web.logging, { driver: 'syslog' });
});

test('a mapping cannot be overridden by a list', () => {
  assert.throws(() => mergeModels(svc({ deploy: { replicas: 1 } }), svc({ deploy: ['x'] })), /cannot override services.web.deploy/);
});

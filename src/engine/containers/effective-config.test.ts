import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectiveConfig, DEFAULT_PATH } from './effective-config.js';
import type { ContainerSpec, ImageRecord } from '../types.js';

const image = { config: { Entrypoint: ['/entry'], Cmd: ['serve'], Env: ['A=1', 'B=2'], WorkingDir: '/app', User: 'app', StopSignal: 'SIGQUIT' } } as unknown as ImageRecord;
const spec = (over: Partial<ContainerSpec>) => ({ env: [], labels: {}, tty: false, exposedPorts: [], volumes: [], ...over }) as unknown as ContainerSpec;

test("merges the image's config with the request as Docker does", () => {
  const a = effectiveConfig(spec({}), image, 'h');
  assert.equal(a.path, '/entry');
  assert.deepEqual(a.args, ['serve']);
  assert.equal(a.effective.workingDir, '/app');
  assert.equal(a.effective.stopSignal, 'SIGQUIT');
  assert.deepEqual(a.effective.env, ['HOSTNAME=h', DEFAULT_PATH, 'A=1', 'B=2']);
  const b = effectiveConfig(spec({ cmd: ['x'], env: ['B=3'], tty: true }), image, 'h');
  assert.deepEqual([b.path, ...b.args], ['/entry', 'x']);
  assert.ok(b.effective.env.includes('B=3') && b.effective.env.includes('TERM=xterm') && !b.effective.env.includes('B=2'));
  // An overridden entrypoint drops the image's cmd.
  const c = effectiveConfig(spec({ entrypoint: ['sh'] }), image, 'h');
  assert.deepEqual([c.path, ...c.args], ['sh']);
  const d = effectiveConfig(spec({ entrypoint: [''], cmd: ['ls'] }), image, 'h');
  assert.deepEqual([d.path, ...d.args], ['ls']);
  assert.throws(() => effectiveConfig(spec({ entrypoint: [] }), { config: {} } as unknown as ImageRecord, 'h'), /No command specified/);
});

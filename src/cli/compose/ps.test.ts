import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from './ps.js';
import { progressLine, stderrReporter } from './session.js';

test('ps prints docker compose columns, the command quoted and cut at 20 characters', () => {
  const now = Date.UTC(2026, 10, 23, 10, 0, 0);
  const out = renderTable([{
    Id: 'a'.repeat(64), Names: ['/demo-web-1'], Image: 'busybox', ImageID: '', Command: "sh -c 'echo hello; sleep 1000'",
    Created: now / 1000 - 120, Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }],
    Labels: { 'com.docker.compose.service': 'web' }, State: 'running', Status: 'Up 2 minutes',
  }], now);
  assert.equal(out, [
    'NAME         IMAGE     COMMAND                  SERVICE   CREATED         STATUS         PORTS',
    'demo-web-1   busybox   "sh -c \'echo hello; …"   web       2 minutes ago   Up 2 minutes   0.0.0.0:8080->80/tcp',
    '',
  ].join('\n'));
});

test('progress lines are docker compose\'s plain ones: resource, name, two spaces, status', () => {
  assert.equal(progressLine({ resource: 'Container', name: 'demo-web-1', status: 'Started' }), ' Container demo-web-1  Started\n');
  assert.equal(progressLine({ resource: 'Network', name: 'demo_default', status: 'Creating' }), ' Network demo_default  Creating\n');
  assert.equal(progressLine({ resource: 'Volume', name: 'demo_data', status: 'Created' }), ' Volume "demo_data"  Created\n');
  assert.equal(progressLine({ resource: 'Volume', name: 'demo_data', status: 'Removed' }), ' Volume demo_data  Removed\n');
});

test('--progress quiet prints nothing but warnings; json one object per event', () => {
  let err = '';
  const io = { stdout: () => undefined, stderr: (x: string) => { err += x; }, cwd: () => '/', env: () => ({}), stdin: () => '' };
  const quiet = stderrReporter(io, 'quiet');
  quiet.event({ resource: 'Container', name: 'demo-web-1', status: 'Started' });
  quiet.warn('careful');
  assert.equal(err, 'WARN[0000] careful\n');
  err = '';
  stderrReporter(io, 'json').event({ resource: 'Network', name: 'demo_default', status: 'Created' });
  assert.deepEqual(JSON.parse(err), { id: 'Network demo_default', status: 'Created' });
  assert.throws(() => stderrReporter(io, 'fancy'), /unsupported --progress "fancy"/);
});

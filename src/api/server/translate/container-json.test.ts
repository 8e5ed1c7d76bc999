import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerRecord } from '../../../engine/types.js';
import { createBodyToSpec } from './create-body.js';
import { inspectJson, summaryJson } from './container-json.js';
import { containerFilter } from './container-filters.js';
import { parseFilters } from '../wire/filters.js';

function record(over: Partial<ContainerRecord> = {}): ContainerRecord {
  const spec = createBodyToSpec({ Image: 'busybox', Cmd: ['sh', '-c', 'exit 3'], Labels: { app: 'web' }, HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } } }, 'web');
  return {
    id: 'a'.repeat(64), name: 'web', created: '2024-01-01T00:00:00.000000001Z', imageId: `sha256:${'b'.repeat(64)}`, imageRef: 'busybox',
    path: 'sh', args: ['-c', 'exit 3'], spec,
    effective: { env: ['PATH=/bin'], workingDir: '/', user: '', cmd: ['sh', '-c', 'exit 3'], entrypoint: [], labels: { app: 'web' }, exposedPorts: ['80/tcp'], volumes: [], stopSignal: 'SIGTERM' },
    state: { status: 'exited', pid: 0, exitCode: 3, error: '', oomKilled: false, startedAt: '2024-01-01T00:00:01Z', finishedAt: '2024-01-01T00:00:02Z' },
    restartCount: 0, manuallyStopped: false, logPath: '/l', rootfsPath: '/r', hostnamePath: '/h', hostsPath: '/hs', resolvConfPath: '/rc',
    mounts: [], network: { sandboxKey: '', ports: { '80/tcp': [{ hostIp: '0.0.0.0', hostPort: '8080' }] }, endpoints: {} },
    ...over,
  };
}

test('inspect has Docker\'s top-level shape and names', () => {
  const j = inspectJson(record());
  for (const k of ['Id', 'Created', 'Path', 'Args', 'State', 'Image', 'ResolvConfPath', 'HostnamePath', 'HostsPath', 'LogPath', 'Name', 'RestartCount', 'Driver', 'Platform', 'HostConfig', 'GraphDriver', 'Mounts', 'Config', 'NetworkSettings']) {
    assert.ok(k in j, `missing ${k}`);
  }
  assert.equal(j.Name, '/web');
  const state = j.State as Record<string, unknown>;
  assert.deepEqual([state.Status, state.Running, state.ExitCode, state.Dead], ['exited', false, 3, false]);
  const config = j.Config as Record<string, unknown>;
  assert.deepEqual(config.ExposedPorts, { '80/tcp': {} });
  assert.equal(config.Image, 'busybox');
  assert.deepEqual(config.Entrypoint, null);
  const host = j.HostConfig as Record<string, any>;
  assert.deepEqual(host.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.deepEqual(host.RestartPolicy, { Name: 'no', MaximumRetryCount: 0 });
  assert.equal(host.NetworkMode, 'default');
});

test('unset times are Go\'s zero time', () => {
  const j = inspectJson(record({ state: { status: 'created', pid: 0, exitCode: 0, error: '', oomKilled: false, startedAt: '', finishedAt: '' } }));
  assert.equal((j.State as Record<string, unknown>).StartedAt, '0001-01-01T00:00:00Z');
});

test('list summaries carry Names, Command, Ports and Status as docker ps shows them', () => {
  const s = summaryJson(record());
  assert.deepEqual(s.Names, ['/web']);
  assert.equal(s.Command, "sh -c 'exit 3'");
  assert.equal(s.Created, 1704067200);
  assert.deepEqual(s.Ports, [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }]);
  assert.match(String(s.Status), /^Exited \(3\) /);
});

test('list filters: status, name, label, ancestor, id, exited', () => {
  const recs = [record(), record({ id: 'c'.repeat(64), name: 'db', imageRef: 'postgres:16', effective: { ...record().effective, labels: { app: 'db' } }, state: { ...record().state, status: 'running' } })];
  const pick = (f: string) => recs.filter(containerFilter(parseFilters(f), recs)).map((r) => r.name);
  assert.deepEqual(pick('{"status":["running"]}'), ['db']);
  assert.deepEqual(pick('{"name":["^we"]}'), ['web']);
  assert.deepEqual(pick('{"label":["app=db"]}'), ['db']);
  assert.deepEqual(pick('{"ancestor":["busybox:latest"]}'), ['web']);
  assert.deepEqual(pick('{"id":["ccc"]}'), ['db']);
  assert.deepEqual(pick('{"exited":["3"]}'), ['web']);
  assert.throws(() => pick('{"status":["sleeping"]}'), /invalid filter 'status=sleeping'/);
});

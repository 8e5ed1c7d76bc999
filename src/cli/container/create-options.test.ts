import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCreateBody, parseMount, restartPolicy } from './create-options.js';
import { parsePublish, displayPorts } from './ports.js';
import { DetachWatcher, parseDetachKeys } from '../detach-keys.js';

test('run flags fill the create body as the docker CLI does', () => {
  const b = buildCreateBody('img', ['sh', '-c', 'x'], {
    interactive: true, tty: true, env: ['A=1'], workdir: '/w', user: 'nobody', entrypoint: '', label: ['k=v', 'flag'],
    memory: '64m', cpus: '1.5', pidsLimit: '10', restart: 'on-failure:2', volume: ['/data', 'named:/n:ro', '/h:/c'],
    tmpfs: ['/run:size=1m'], publish: ['127.0.0.1:8080:80', '53/udp'], healthCmd: 'true', healthInterval: '2s',
  });
  assert.deepEqual(b.Cmd, ['sh', '-c', 'x']);
  assert.deepEqual(b.Entrypoint, ['']);
  assert.equal(b.AttachStdin, true);
  assert.equal(b.StdinOnce, true);
  assert.equal(b.OpenStdin, true);
  assert.deepEqual(b.Labels, { k: 'v', flag: '' });
  assert.deepEqual(b.Volumes, { '/data': {} });
  assert.deepEqual(b.HostConfig?.Binds, ['named:/n:ro', '/h:/c']);
  assert.equal(b.HostConfig?.Memory, 64 * 1024 * 1024);
  assert.equal(b.HostConfig?.NanoCpus, 1.5e9);
  assert.deepEqual(b.HostConfig?.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.deepEqual(b.HostConfig?.PortBindings, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }], '53/udp': [{ HostIp: '', HostPort: '' }] });
  assert.deepEqual(b.ExposedPorts, { '80/tcp': {}, '53/udp': {} });
  assert.deepEqual(b.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 2e9, Timeout: undefined, Retries: undefined, StartPeriod: undefined, StartInterval: undefined });
  assert.equal(b.HostConfig?.NetworkMode, 'default');
});

test('detached runs attach nothing; --rm with a restart policy is refused', () => {
  const b = buildCreateBody('img', [], { detach: true, interactive: true });
  assert.equal(b.AttachStdout, false);
  assert.equal(b.AttachStdin, false);
  assert.throws(() => buildCreateBody('img', [], { rm: true, restart: 'always' }), /conflicting options/);
  assert.throws(() => buildCreateBody('img', [], { memory: 'lots' }), /invalid argument "lots" for "-m, --memory" flag/);
  assert.throws(() => restartPolicy('sometimes'), /unknown policy/);
});

test('--mount and -p ranges parse like docker', () => {
  assert.deepEqual(parseMount('type=bind,src=/a,dst=/b,readonly'), { Type: 'bind', Source: '/a', Target: '/b', ReadOnly: true });
  assert.deepEqual(parseMount('type=tmpfs,target=/t,tmpfs-size=1m'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576 } });
  assert.throws(() => parseMount('type=bind,src=/a'), /target is required/);
  const r = parsePublish(['8000-8001:80-81']);
  assert.deepEqual(r.bindings, { '80/tcp': [{ HostIp: '', HostPort: '8000' }], '81/tcp': [{ HostIp: '', HostPort: '8001' }] });
  assert.equal(displayPorts([
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8000, Type: 'tcp' }, { IP: '0.0.0.0', PrivatePort: 81, PublicPort: 8001, Type: 'tcp' },
    { PrivatePort: 53, Type: 'udp' },
  ]), '0.0.0.0:8000-8001->80-81/tcp, 53/udp');
});

test('detach keys are caught across chunks and partial matches are passed on', () => {
  const keys = parseDetachKeys();
  assert.deepEqual(keys, [16, 17]);
  const w = new DetachWatcher(keys);
  assert.deepEqual(w.feed(Buffer.from('ab\x10')), { forward: Buffer.from('ab'), detach: false });
  assert.deepEqual(w.feed(Buffer.from('c')), { forward: Buffer.from('\x10c'), detach: false });
  assert.deepEqual(w.feed(Buffer.from('\x10\x11')), { forward: Buffer.from(''), detach: true });
  assert.deepEqual(parseDetachKeys('ctrl-a,x'), [1, 120]);
});

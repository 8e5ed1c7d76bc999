import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkContainerName, createBodyToSpec } from './create-body.js';

// The body `docker run -d --name web -p 8080:80 -e A=1 --restart on-failure:3 --memory 64m busybox sh -c ...` sends (trimmed).
const dockerRunBody = {
  Hostname: '', Domainname: '', User: 'nobody', AttachStdin: false, AttachStdout: true, AttachStderr: true,
  ExposedPorts: { '80/tcp': {} }, Tty: false, OpenStdin: false, StdinOnce: false,
  Env: ['A=1'], Cmd: ['sh', '-c', 'httpd -f'], Image: 'busybox', Volumes: { '/data': {} }, WorkingDir: '/www',
  Entrypoint: null, OnBuild: null, Labels: { app: 'web' }, StopSignal: 'SIGINT', StopTimeout: 3,
  Healthcheck: { Test: ['CMD-SHELL', 'true'], Interval: 1_000_000_000, Retries: 2 },
  HostConfig: {
    Binds: ['/tmp:/host:ro'], NetworkMode: 'default', PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] },
    RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 }, AutoRemove: false, CapAdd: ['NET_ADMIN'], CapDrop: null,
    Dns: [], DnsOptions: [], DnsSearch: [], ExtraHosts: ['db:10.0.0.2'], Privileged: false, ReadonlyRootfs: true,
    SecurityOpt: ['no-new-privileges'], Tmpfs: { '/run': 'size=1m' }, Memory: 67108864, NanoCpus: 500000000, PidsLimit: 0,
    CpuShares: 0, Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }], Init: true, LogConfig: { Type: '', Config: {} },
    Mounts: [{ Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 1048576 } }, { Type: 'volume', Source: 'v1', Target: '/v', ReadOnly: true, VolumeOptions: { NoCopy: true } }],
    Sysctls: { 'net.ipv4.ip_forward': '1' }, GroupAdd: ['audio'], OomScoreAdj: 100,
  },
  NetworkingConfig: { EndpointsConfig: { front: { Aliases: ['www'], IPAMConfig: { IPv4Address: '10.1.0.5' } } } },
};

test('a docker run body becomes a complete ContainerSpec', () => {
  const s = createBodyToSpec(dockerRunBody, 'web');
  assert.equal(s.name, 'web');
  assert.equal(s.image, 'busybox');
  assert.deepEqual(s.cmd, ['sh', '-c', 'httpd -f']);
  assert.equal(s.entrypoint, undefined, 'null Entrypoint means the image\'s');
  assert.equal(s.user, 'nobody');
  assert.equal(s.workingDir, '/www');
  assert.deepEqual(s.exposedPorts, ['80/tcp']);
  assert.deepEqual(s.volumes, ['/data']);
  assert.equal(s.stopSignal, 'SIGINT');
  assert.equal(s.stopTimeout, 3);
  assert.deepEqual(s.healthcheck, { test: ['CMD-SHELL', 'true'], interval: 1_000_000_000, timeout: undefined, startPeriod: undefined, startInterval: undefined, retries: 2 });
  assert.deepEqual(s.host.portBindings, { '80/tcp': [{ hostIp: '', hostPort: '8080' }] });
  assert.deepEqual(s.host.restartPolicy, { name: 'on-failure', maximumRetryCount: 3 });
  assert.deepEqual(s.host.capAdd, ['NET_ADMIN']);
  assert.deepEqual(s.host.capDrop, []);
  assert.equal(s.host.readonlyRootfs, true);
  assert.equal(s.host.init, true);
  assert.deepEqual(s.host.resources, { memory: 67108864, nanoCpus: 500000000, ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }] });
  assert.equal(s.host.logConfig.type, 'json-file');
  assert.deepEqual(s.host.mounts, [
    { type: 'tmpfs', source: '', target: '/scratch', readOnly: false, options: { tmpfsSize: 1048576 } },
    { type: 'volume', source: 'v1', target: '/v', readOnly: true, options: { noCopy: true } },
  ]);
  assert.deepEqual(s.host.tmpfs, { '/run': 'size=1m' });
  assert.deepEqual(s.host.groupAdd, ['audio']);
  assert.equal(s.host.oomScoreAdj, 100);
  assert.deepEqual(s.endpoints, { front: { aliases: ['www'], ipv4Address: '10.1.0.5' } });
  assert.equal(s.host.networkMode, 'default');
});

test('--entrypoint "" resets the entrypoint; an empty Cmd means the image\'s', () => {
  const s = createBodyToSpec({ Image: 'x', Entrypoint: [''], Cmd: [] });
  assert.deepEqual(s.entrypoint, ['']);
  assert.equal(s.cmd, undefined);
});

test('Docker\'s string forms of Cmd and Entrypoint are accepted', () => {
  const s = createBodyToSpec({ Image: 'x', Cmd: 'true', Entrypoint: '/bin/sh' });
  assert.deepEqual(s.cmd, ['true']);
  assert.deepEqual(s.entrypoint, ['/bin/sh']);
});

test('conflicting or invalid options are invalid_argument errors', () => {
  assert.throws(() => createBodyToSpec({ Image: 'x', HostConfig: { AutoRemove: true, RestartPolicy: { Name: 'always' } } }), /Conflicting options: --restart and --rm/);
  assert.throws(() => createBodyToSpec({ Image: 'x', HostConfig: { RestartPolicy: { Name: 'sometimes' } } }), /invalid restart policy/);
  assert.throws(() => createBodyToSpec({ Image: 'x', HostConfig: { RestartPolicy: { Name: 'always', MaximumRetryCount: 2 } } }), /maximum retry count/);
  assert.throws(() => createBodyToSpec({}), /no image/);
  assert.throws(() => createBodyToSpec({ Image: 'x', Env: 5 }), /Env: expected a list/);
});

test('container names follow Docker\'s rule', () => {
  assert.equal(checkContainerName('/web-1'), 'web-1');
  assert.equal(checkContainerName(''), undefined);
  assert.throws(() => checkContainerName('-bad'), /Invalid container name/);
});

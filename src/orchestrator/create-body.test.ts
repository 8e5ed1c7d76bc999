import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCreateRequest, sharedWith } from './create-body.js';
import { projectFrom } from './test-project.js';
import { isBerthError } from '../common/errors.js';
import { withImageNames } from './build.js';

const FULL = `
services:
  web:
    image: busybox
    command: sh -c "sleep 1000"
    entrypoint: ["/bin/sh"]
    environment: [A=1, B]
    ports: ["8080:80", "127.0.0.1:9000:9000/udp", "3000"]
    expose: ["4000", "5000-5001/udp"]
    volumes: ["/srv/data:/data:ro", "named:/n", "/anon", {type: tmpfs, target: /t, tmpfs: {size: 1000}}, {type: bind, source: /srv/x, target: /x}]
    networks: {front: {aliases: [w], ipv4_address: 10.5.0.5}, default: {priority: 10}}
    hostname: h
    extra_hosts: ["a:1.2.3.4"]
    dns: 8.8.8.8
    working_dir: /w
    user: "1000"
    labels: {x: y}
    restart: on-failure:3
    healthcheck: {test: ["CMD", "true"], interval: 5s, retries: 3, start_period: 1m}
    stop_signal: SIGINT
    stop_grace_period: 1m30s
    init: true
    privileged: false
    cap_add: [NET_ADMIN]
    cap_drop: [ALL]
    security_opt: [no-new-privileges]
    tmpfs: [/run]
    mem_limit: 512m
    pids_limit: 100
    tty: true
    stdin_open: true
    read_only: true
    logging: {driver: json-file, options: {max-size: 10m}}
    deploy: {resources: {limits: {cpus: "0.5"}, reservations: {memory: 100m}}}
    depends_on: [db]
  db:
    image: busybox
networks: {front: {ipam: {config: [{subnet: 10.5.0.0/24}]}}}
volumes: {named: {}}
`;

test('every mapped service attribute lands in the create request as docker compose sends it', () => {
  const p = projectFrom(FULL);
  const { name, body, extraNetworks } = buildCreateRequest(p, p.services.web, { number: 2, configHash: 'h1', imageId: 'sha256:abc' });
  assert.equal(name, 'demo-web-2');
  assert.equal(body.Image, 'busybox');
  assert.deepEqual(body.Cmd, ['sh', '-c', 'sleep 1000']);
  assert.deepEqual(body.Entrypoint, ['/bin/sh']);
  assert.deepEqual(body.Env, ['A=1', 'B']);
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {}, '9000/udp': {}, '3000/tcp': {}, '4000/tcp': {}, '5000/udp': {}, '5001/udp': {} });
  assert.equal(body.Hostname, 'h');
  assert.equal(body.WorkingDir, '/w');
  assert.equal(body.User, '1000');
  assert.equal(body.Tty, true);
  assert.equal(body.OpenStdin, true);
  assert.equal(body.StopSignal, 'SIGINT');
  assert.equal(body.StopTimeout, 90);
  assert.deepEqual(body.Healthcheck, { Test: ['CMD', 'true'], Interval: 5e9, StartPeriod: 60e9, Retries: 3 });
  assert.deepEqual(body.Labels, {
    x: 'y',
    'com.docker.compose.project': 'demo',
    'com.docker.compose.service': 'web',
    'com.docker.compose.container-number': '2',
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.config-hash': 'h1',
    'com.docker.compose.depends_on': 'db:service_started:false',
    'com.docker.compose.project.config_files': p.composeFiles.join(','),
    'com.docker.compose.project.working_dir': p.workingDir,
    'com.docker.compose.version': '2.40.3',
    'com.docker.compose.image': 'sha256:abc',
  });
  const h = body.HostConfig!;
  assert.deepEqual(h.PortBindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8080' }],
    '9000/udp': [{ HostIp: '127.0.0.1', HostPort: '9000' }],
    '3000/tcp': [{ HostIp: '', HostPort: '' }],
  });
  assert.deepEqual(h.Binds, ['/srv/data:/data:ro']);
  assert.deepEqual(h.Mounts, [
    { Type: 'volume', Target: '/n', Source: 'demo_named' },
    { Type: 'volume', Target: '/anon' },
    { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1000, Mode: undefined } },
    { Type: 'bind', Target: '/x', Source: '/srv/x' },
  ]);
  assert.deepEqual(h.Tmpfs, { '/run': '' });
  assert.deepEqual(h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual(h.ExtraHosts, ['a:1.2.3.4']);
  assert.deepEqual(h.Dns, ['8.8.8.8']);
  assert.equal(h.Init, true);
  assert.equal(h.Privileged, undefined);
  assert.equal(h.ReadonlyRootfs, true);
  assert.deepEqual([h.CapAdd, h.CapDrop, h.SecurityOpt], [['NET_ADMIN'], ['ALL'], ['no-new-privileges']]);
  assert.equal(h.Memory, 512 * 1024 * 1024);
  assert.equal(h.NanoCpus, 5e8);
  assert.equal(h.MemoryReservation, 100 * 1024 * 1024);
  assert.equal(h.PidsLimit, 100);
  assert.deepEqual(h.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m' } });
  // The highest-priority network is given at create; the others are connected before start.
  assert.equal(h.NetworkMode, 'demo_default');
  assert.deepEqual(body.NetworkingConfig, { EndpointsConfig: { demo_default: { Aliases: ['web'] } } });
  assert.deepEqual(extraNetworks, [{ network: 'demo_front', endpoint: { Aliases: ['web', 'w'], IPAMConfig: { IPv4Address: '10.5.0.5', IPv6Address: undefined } } }]);
  // An engine with API 1.44 takes them all at create: nothing to connect afterwards.
  const all = buildCreateRequest(p, p.services.web, { number: 2, configHash: 'h1', allNetworksAtCreate: true });
  assert.deepEqual(Object.keys(all.body.NetworkingConfig?.EndpointsConfig ?? {}), ['demo_default', 'demo_front']);
  assert.deepEqual(all.extraNetworks, []);
});

test('mac_address: on the primary endpoint with API 1.44, in the config before; a network\'s own needs 1.44', () => {
  const p = projectFrom(`services:
  web:
    image: busybox
    mac_address: "02:42:ac:11:00:99"
    networks: {default: {priority: 10}, side: {}}
  two:
    image: busybox
    networks: {side: {mac_address: "02:42:ac:11:00:98"}}
networks:
  side: {}
`);
  const now = buildCreateRequest(p, p.services.web, { number: 1, configHash: 'h', allNetworksAtCreate: true }).body;
  assert.equal(now.NetworkingConfig?.EndpointsConfig?.demo_default?.MacAddress, '02:42:ac:11:00:99');
  assert.equal(now.MacAddress, undefined);
  const before = buildCreateRequest(p, p.services.web, { number: 1, configHash: 'h' }).body;
  assert.equal(before.MacAddress, '02:42:ac:11:00:99');
  assert.equal(buildCreateRequest(p, p.services.two, { number: 1, configHash: 'h', allNetworksAtCreate: true }).body.NetworkingConfig?.EndpointsConfig?.demo_side?.MacAddress, '02:42:ac:11:00:98');
  assert.throws(() => buildCreateRequest(p, p.services.two, { number: 1, configHash: 'h' }), /networks.side.mac_address needs an engine with API 1.44/);
});

test('a minimal service gets the restart policy "no", its network and no optional fields', () => {
  const p = projectFrom(FULL);
  const { name, body } = buildCreateRequest(p, p.services.db, { number: 1, configHash: 'h2' });
  assert.equal(name, 'demo-db-1');
  assert.equal(body.Cmd, undefined);
  assert.equal(body.Labels?.['com.docker.compose.image'], undefined);
  assert.equal(body.Labels?.['com.docker.compose.depends_on'], '');
  assert.deepEqual(body.HostConfig, { RestartPolicy: { Name: 'no' }, NetworkMode: 'demo_default' });
});

test('network_mode replaces networks', () => {
  const p = projectFrom('services:\n  a: {image: busybox, network_mode: host}\n');
  const { body, extraNetworks } = buildCreateRequest(p, p.services.a, { number: 1, configHash: 'h' });
  assert.equal(body.HostConfig?.NetworkMode, 'host');
  assert.equal(body.NetworkingConfig, undefined);
  assert.deepEqual(extraNetworks, []);
});

test('attributes berth cannot apply yet are refused, naming the key', () => {
  const cases: [string, RegExp][] = [
    ['mem_swappiness: 10', /"mem_swappiness" is not supported/],
    ['secrets: [env]', /"secrets.env" \(only file-based ones are\) is not supported/],
    ['network_mode: "slirp4netns"', /"network_mode" "slirp4netns" is not supported/],
    ['deploy: {restart_policy: {condition: any}}', /"deploy.restart_policy" is not supported/],
    ['deploy: {resources: {reservations: {devices: [{capabilities: [gpu]}]}}}', /"deploy.resources.reservations.devices"/],
  ];
  for (const [attr, re] of cases) {
    const p = projectFrom(`services:\n  a:\n    image: busybox\n    ${attr}\n  b: {image: busybox}\nsecrets: {s: {file: ./s}, env: {environment: HOME}}\n`);
    assert.throws(() => buildCreateRequest(p, p.services.a, { number: 1, configHash: 'h' }), (e) => isBerthError(e, 'not_implemented') && re.test(e.message) && /service "a"/.test(e.message), attr);
  }
  // A build-only service runs the image Compose names <project>-<service>.
  const built = withImageNames(projectFrom('services:\n  a: {build: .}\n'));
  assert.equal(buildCreateRequest(built, built.services.a, { number: 1, configHash: 'h' }).body.Image, `${built.name}-a`);
});

test('file-based secrets and configs are bind-mounted read-only where Compose puts them', () => {
  const p = projectFrom(`
services:
  a:
    image: busybox
    secrets: [pw, {source: pw, target: other}]
    configs: [cfg, {source: cfg, target: /etc/x.conf}]
secrets: {pw: {file: /srv/pw.txt}}
configs: {cfg: {file: /srv/cfg.txt}}
`);
  const { body } = buildCreateRequest(p, p.services.a, { number: 1, configHash: 'h' });
  assert.deepEqual(body.HostConfig?.Mounts, [
    { Type: 'bind', Source: '/srv/pw.txt', Target: '/run/secrets/pw', ReadOnly: true },
    { Type: 'bind', Source: '/srv/pw.txt', Target: '/run/secrets/other', ReadOnly: true },
    { Type: 'bind', Source: '/srv/cfg.txt', Target: '/cfg', ReadOnly: true },
    { Type: 'bind', Source: '/srv/cfg.txt', Target: '/etc/x.conf', ReadOnly: true },
  ]);
});

test('devices, namespaces and the remaining host settings are applied', () => {
  const p = projectFrom(`
services:
  a:
    image: busybox
    devices: ["/dev/null:/dev/xnull:r", "/dev/zero"]
    pid: host
    ipc: shareable
    group_add: [audio, 1234]
    cgroup_parent: foo
    oom_score_adj: 100
    oom_kill_disable: true
    cpu_shares: 512
    cpuset: "0-1"
    cpu_quota: 50000
    cpu_period: 100000
    userns_mode: host
    runtime: runc
`);
  const h = buildCreateRequest(p, p.services.a, { number: 1, configHash: 'h' }).body.HostConfig!;
  assert.deepEqual(h.Devices, [
    { PathOnHost: '/dev/null', PathInContainer: '/dev/xnull', CgroupPermissions: 'r' },
    { PathOnHost: '/dev/zero', PathInContainer: '/dev/zero', CgroupPermissions: 'rwm' },
  ]);
  assert.deepEqual([h.PidMode, h.IpcMode, h.GroupAdd, h.CgroupParent, h.OomScoreAdj, h.OomKillDisable], ['host', 'shareable', ['audio', '1234'], 'foo', 100, true]);
  assert.deepEqual([h.CpuShares, h.CpusetCpus, h.CpuQuota, h.CpuPeriod, h.UsernsMode, h.Runtime], [512, '0-1', 50000, 100000, 'host', 'runc']);
});

test('service: namespaces, volumes_from and links point at the other service\'s containers', () => {
  const p = projectFrom(`
services:
  a:
    image: busybox
    network_mode: "service:b"
    pid: "service:b"
    ipc: "container:other"
    volumes_from: [b, "b:ro", "container:foo"]
  c:
    image: busybox
    links: [b, "d:dee"]
  b: {image: busybox}
  d: {image: busybox, scale: 2}
`);
  const a = buildCreateRequest(p, p.services.a, { number: 1, configHash: 'h' });
  assert.deepEqual([a.body.HostConfig?.NetworkMode, a.body.HostConfig?.PidMode, a.body.HostConfig?.IpcMode], ['container:demo-b-1', 'container:demo-b-1', 'container:other']);
  assert.deepEqual(a.body.HostConfig?.VolumesFrom, ['demo-b-1', 'demo-b-1:ro', 'foo']);
  assert.equal(a.body.NetworkingConfig, undefined);
  assert.deepEqual(sharedWith(p.services.a), ['b']);
  const c = buildCreateRequest(p, p.services.c, { number: 1, configHash: 'h' });
  assert.deepEqual(c.body.HostConfig?.Links, ['demo-b-1:b', 'demo-d-1:dee', 'demo-d-2:dee']);
  assert.deepEqual(sharedWith(p.services.c), []);
});

test('a recreated container takes over its predecessor\'s anonymous volumes where nothing else is mounted', () => {
  const p = projectFrom('services:\n  a:\n    image: busybox\n    volumes: ["/anon", "/srv:/bound", "named:/named"]\nvolumes: {named: {}}\n');
  const inheritVolumes = [
    { name: 'abc', destination: '/anon' }, { name: 'def', destination: '/from-image' }, { name: 'ghi', destination: '/bound' },
  ];
  const h = buildCreateRequest(p, p.services.a, { number: 1, configHash: 'h', inheritVolumes }).body.HostConfig!;
  assert.deepEqual(h.Mounts, [
    { Type: 'volume', Target: '/anon', Source: 'abc' },
    { Type: 'volume', Target: '/named', Source: 'demo_named' },
    { Type: 'volume', Source: 'def', Target: '/from-image' },
  ]);
  assert.deepEqual(h.Binds, ['/srv:/bound']);
});

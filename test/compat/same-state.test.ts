// The berth CLI, the docker CLI and dockerode against one berthd: whatever one makes, the others
// list, inspect and remove: containers, networks and volumes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import Docker from 'dockerode';
import type { TestDaemon } from '../helpers/daemon.js';
import { daemonWithBusybox, dockerCli, ok } from './docker-cli.js';

const IMG = 'berth-same/busybox:latest';
const BERTH = resolve(import.meta.dirname, '../../bin/berth');
let daemon: TestDaemon;
let docker: ReturnType<typeof dockerCli>;
let dockerode: Docker;

function berth(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BERTH, ...args], { env: { ...process.env, DOCKER_HOST: daemon.dockerHost }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  ({ daemon, docker } = await daemonWithBusybox(IMG));
  dockerode = new Docker({ socketPath: daemon.socket });
});

after(() => daemon?.stop());

test('made by the berth CLI: listed by docker, inspected by dockerode, removed by docker', async () => {
  const r = berth('run', '-d', '--name', 'by-berth', IMG, 'sleep', '300');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await ok(docker(['ps', '--filter', 'name=by-berth', '--format', '{{.Names}} {{.State}}'])), 'by-berth running');
  const info = await dockerode.getContainer('by-berth').inspect();
  assert.equal(info.Config.Image, IMG);
  assert.equal(await ok(docker(['rm', '-f', 'by-berth'])), 'by-berth');
  assert.equal(berth('ps', '-a', '-q', '--filter', 'name=by-berth').stdout.trim(), '');
});

test('made by docker: listed by berth, removed by dockerode', async () => {
  const id = await ok(docker(['create', '--name', 'by-docker', '-l', 'made=docker', IMG, 'true']));
  const listed = berth('ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}}');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^${id} by-docker$`, 'm'));
  await dockerode.getContainer('by-docker').remove();
  assert.equal(await ok(docker(['ps', '-a', '-q', '--filter', 'name=by-docker'])), '');
});

test('made by dockerode: inspected by docker, removed by berth', async () => {
  await dockerode.createContainer({ Image: IMG, name: 'by-dockerode', Cmd: ['true'] });
  assert.equal(await ok(docker(['inspect', '--format', '{{.Name}} {{.State.Status}}', 'by-dockerode'])), '/by-dockerode created');
  const rm = berth('rm', 'by-dockerode');
  assert.equal(rm.code, 0, rm.stderr);
  await assert.rejects(dockerode.getContainer('by-dockerode').inspect(), (e: any) => e.statusCode === 404);
});

test('a network made by the berth CLI: docker connects a container to it, dockerode lists it, docker removes it', async () => {
  const made = berth('network', 'create', '--subnet', '10.219.11.0/24', '--label', 'made=berth', 'samenet');
  assert.equal(made.code, 0, made.stderr);
  const id = made.stdout.trim();
  assert.equal(await ok(docker(['network', 'inspect', '-f', '{{.Id}} {{range .IPAM.Config}}{{.Subnet}}{{end}}', 'samenet'])), `${id} 10.219.11.0/24`);
  await ok(docker(['run', '-d', '--name', 'netuser', '--network', 'samenet', IMG, 'sleep', '300']));
  const nets = await dockerode.listNetworks({ filters: { label: ['made=berth'] } });
  assert.deepEqual(nets.map((n) => n.Id), [id]);
  const info = await dockerode.getNetwork(id).inspect();
  assert.deepEqual(Object.values(info.Containers as Record<string, { Name: string }>).map((c) => c.Name), ['netuser']);
  assert.match(berth('inspect', '-f', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}', 'netuser').stdout, /^samenet$/m);
  await ok(docker(['rm', '-f', 'netuser']));
  assert.equal(await ok(docker(['network', 'rm', 'samenet'])), 'samenet');
  assert.doesNotMatch(berth('network', 'ls', '--format', '{{.Name}}').stdout, /samenet/);
});

test('a volume made by dockerode: written through docker, read through berth, removed by berth', async () => {
  await dockerode.createVolume({ Name: 'samevol', Labels: { made: 'dockerode' } });
  assert.equal(await ok(docker(['volume', 'ls', '-q', '--filter', 'label=made=dockerode'])), 'samevol');
  await ok(docker(['run', '--rm', '-v', 'samevol:/v', IMG, 'sh', '-c', 'echo shared > /v/f']));
  const read = berth('run', '--rm', '-v', 'samevol:/v', IMG, 'cat', '/v/f');
  assert.equal(read.code, 0, read.stderr);
  assert.equal(read.stdout, 'shared\n');
  assert.equal(berth('volume', 'inspect', '-f', '{{.Name}} {{.Driver}} {{.Labels}}', 'samevol').stdout, 'samevol local map[made:dockerode]\n');
  assert.equal(berth('volume', 'rm', 'samevol').stdout, 'samevol\n');
  await assert.rejects(dockerode.getVolume('samevol').inspect(), (e: any) => e.statusCode === 404);
  assert.equal(await ok(docker(['volume', 'ls', '-q'])), '');
});

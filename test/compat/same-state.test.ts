// The berth CLI, the docker CLI and dockerode against one berthd: whatever one makes, the others
// list, inspect and remove.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Docker from 'dockerode';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { dockerCli, ok } from './docker-cli.js';

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
  daemon = await startTestDaemon();
  docker = dockerCli(daemon.dockerHost);
  dockerode = new Docker({ socketPath: daemon.socket });
  const tar = makeBusyboxTar();
  try {
    await ok(docker(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, IMG]));
  } finally {
    rmSync(dirname(tar), { recursive: true, force: true });
  }
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

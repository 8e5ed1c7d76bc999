// dockerode (npm) against berthd: the same basics a Node program does with Docker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import Docker from 'dockerode';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';

const IMG = 'berth-dockerode/busybox:latest';
let daemon: TestDaemon;
let docker: Docker;
let work: string;

before(async () => {
  daemon = await startTestDaemon();
  docker = new Docker({ socketPath: daemon.socket });
  work = mkdtempSync(join(tmpdir(), 'berth-dockerode-'));
});

after(async () => {
  await daemon?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function drainBuffer(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

async function drain(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString();
}

/** Splits a multiplexed stream into stdout and stderr text with dockerode's own demuxer. */
async function demux(stream: Readable): Promise<{ out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  docker.modem.demuxStream(stream, out, err);
  const texts = Promise.all([drain(out), drain(err)]);
  await new Promise<void>((r) => { stream.on('end', () => r()); stream.on('close', () => r()); });
  out.end();
  err.end();
  const [o, e] = await texts;
  return { out: o, err: e };
}

test('ping and version', async () => {
  assert.equal(String(await docker.ping()), 'OK');
  const v = await docker.version();
  assert.equal(v.ApiVersion, '1.44');
  assert.equal(v.MinAPIVersion, '1.24');
});

test('importImage with changes, then listImages and inspect', async () => {
  const tar = makeBusyboxTar(join(work, 'bb.tar'));
  const stream = await docker.importImage(createReadStream(tar), { repo: 'berth-dockerode/busybox', tag: 'latest', changes: [`ENV PATH=${BUSYBOX_PATH}`] } as never);
  const progress = await drain(stream as unknown as Readable);
  assert.match(progress, /"status":"sha256:[0-9a-f]{64}"/);
  const images = await docker.listImages();
  assert.ok(images.some((i) => i.RepoTags?.includes(IMG)));
  const info = await docker.getImage(IMG).inspect();
  assert.deepEqual(info.Config.Env, [`PATH=${BUSYBOX_PATH}`]);
});

test('create, start, wait and logs with separate stdout and stderr', async () => {
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sh', '-c', 'echo out; echo err >&2; exit 4'], Labels: { suite: 'dockerode' } });
  await c.start();
  const r = await c.wait();
  assert.equal(r.StatusCode, 4);
  const logs = await c.logs({ stdout: true, stderr: true, follow: true });
  const { out, err } = await demux(logs as unknown as Readable);
  assert.equal(out, 'out\n');
  assert.equal(err, 'err\n');
  const listed = await docker.listContainers({ all: true, filters: { label: ['suite=dockerode'] } });
  assert.equal(listed.length, 1);
  assert.equal(listed[0].Id, c.id);
  assert.match(listed[0].Status, /^Exited \(4\)/);
  await c.remove();
});

test('attach with a hijacked stream: stdin in, half-close is EOF, output out', async () => {
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sh', '-c', 'tr a-z A-Z'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as NodeJS.ReadWriteStream & Readable;
  const result = demux(stream);
  await c.start();
  stream.write('hello berth\n');
  stream.end();
  const { out } = await result;
  assert.equal(out, 'HELLO BERTH\n');
  assert.equal((await c.wait()).StatusCode, 0);
  await c.remove();
});

test('exec with a hijacked stream; its exit code is on inspect when the stream ends', async () => {
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sleep', '300'] });
  await c.start();
  const exec = await c.exec({ Cmd: ['sh', '-c', 'cat; echo done >&2; exit 9'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as NodeJS.ReadWriteStream & Readable;
  const result = demux(stream);
  stream.write('piped\n');
  stream.end();
  const { out, err } = await result;
  assert.equal(out, 'piped\n');
  assert.equal(err, 'done\n');
  const info = await exec.inspect();
  assert.equal(info.Running, false);
  assert.equal(info.ExitCode, 9);
  await c.remove({ force: true });
});

test('docker.run(): the plain (non-upgraded) attach stream carries the output', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const texts = Promise.all([drain(out), drain(err)]);
  const [result, container] = (await docker.run(IMG, ['sh', '-c', 'echo run-out; echo run-err >&2; exit 2'], [out, err], { Tty: false })) as [{ StatusCode: number }, Docker.Container];
  out.end();
  err.end();
  assert.equal(result.StatusCode, 2);
  assert.deepEqual(await texts, ['run-out\n', 'run-err\n']);
  await container.remove();
});

test('events stream live container events', async () => {
  const events = (await docker.getEvents({ filters: { type: ['container'], event: ['create'] } })) as unknown as Readable;
  const first = new Promise<Record<string, any>>((resolve) => {
    let buf = '';
    events.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve(JSON.parse(buf.slice(0, nl)) as Record<string, any>);
    });
  });
  const c = await docker.createContainer({ Image: IMG, name: 'evented', Cmd: ['true'] });
  const e = await first;
  events.destroy();
  assert.equal(e.Type, 'container');
  assert.equal(e.Action, 'create');
  assert.equal(e.Actor.ID, c.id);
  assert.equal(e.Actor.Attributes.name, 'evented');
  await c.remove();
});

test('archives: putArchive then getArchive round-trips a file', async () => {
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sleep', '300'] });
  await c.start();
  const tarDir = join(work, 'arch');
  mkdirSync(tarDir, { recursive: true });
  writeFileSync(join(tarDir, 'note.txt'), 'archived\n');
  execFileSync('tar', ['-C', tarDir, '-cf', join(work, 'note.tar'), 'note.txt']);
  await c.putArchive(join(work, 'note.tar'), { path: '/tmp' });
  const exec = await c.exec({ Cmd: ['cat', '/tmp/note.txt'], AttachStdout: true, AttachStderr: true });
  const { out } = await demux((await exec.start({})) as unknown as Readable);
  assert.equal(out, 'archived\n');
  const tar = await drainBuffer((await c.getArchive({ path: '/tmp/note.txt' })) as unknown as Readable);
  assert.equal(tar.subarray(0, 8).toString(), 'note.txt');
  assert.ok(tar.includes(Buffer.from('archived\n')));
  await c.remove({ force: true });
});

test('lifecycle calls: pause, unpause, rename, top, one-shot stats, kill', async () => {
  const c = await docker.createContainer({ Image: IMG, name: 'cycle', Cmd: ['sleep', '300'] });
  await c.start();
  await c.pause();
  assert.equal((await c.inspect()).State.Paused, true);
  await c.unpause();
  await c.rename({ name: 'cycled' });
  assert.equal((await docker.getContainer('cycled').inspect()).Name, '/cycled');
  const top = await c.top();
  assert.ok(top.Processes.some((p: string[]) => p.join(' ').includes('sleep 300')));
  const stats = await c.stats({ stream: false, 'one-shot': true } as never) as unknown as Record<string, any>;
  assert.equal(stats.pids_stats.current, 1);
  assert.ok(stats.memory_stats.usage > 0);
  await c.kill({ signal: 'SIGKILL' });
  assert.equal((await c.wait()).StatusCode, 137);
  await c.remove();
});

test('images: tag, getImage().get() as a tar, remove, loadImage back', async () => {
  await docker.getImage(IMG).tag({ repo: 'berth-dockerode/again', tag: 'v2' });
  const tarPath = join(work, 'again.tar');
  const saved = await drainBuffer((await docker.getImage('berth-dockerode/again:v2').get()) as unknown as Readable);
  writeFileSync(tarPath, saved);
  const removed = await docker.getImage('berth-dockerode/again:v2').remove();
  assert.deepEqual(removed, [{ Untagged: 'berth-dockerode/again:v2' }]);
  const progress = await drain((await docker.loadImage(tarPath)) as unknown as Readable);
  assert.match(progress, /Loaded image: berth-dockerode\/again:v2/);
  assert.ok((await docker.listImages()).some((i) => i.RepoTags?.includes('berth-dockerode/again:v2')));
});

test('errors carry Docker\'s status codes and messages', async () => {
  await assert.rejects(docker.getContainer('nosuch').inspect(), (e: any) => e.statusCode === 404 && /No such container: nosuch/.test(e.json?.message ?? e.message));
  const c = await docker.createContainer({ Image: IMG, name: 'dup', Cmd: ['true'] });
  await assert.rejects(docker.createContainer({ Image: IMG, name: 'dup', Cmd: ['true'] }), (e: any) => e.statusCode === 409);
  await c.remove();
});

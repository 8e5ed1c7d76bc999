// dockerode (npm) against berthd: what a Node program does with Docker — containers, images,
// networks, volumes, exec and attach with and without a tty (and resize), stats and events streams,
// prune, and streams the client abandons.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  // A created exec is listed in the container's ExecIDs until it ends, as Docker lists it.
  assert.deepEqual((await c.inspect()).ExecIDs, [exec.id]);
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
  assert.equal((await c.inspect()).ExecIDs, null);
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

/** Reads a hijacked tty stream until `re` matches what came out. */
function readUntil(stream: Readable, re: RegExp, ms = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { stream.off('data', onData); reject(new Error(`no ${re} in ${JSON.stringify(out)}`)); }, ms);
    const onData = (c: Buffer) => {
      out += c.toString();
      if (re.test(out)) { clearTimeout(timer); stream.off('data', onData); resolve(out); }
    };
    stream.on('data', onData);
  });
}

test('networks: create with IPAM and labels, list by filter, connect, inspect, disconnect, remove', async () => {
  const net = await docker.createNetwork({ Name: 'dnet', Driver: 'bridge', Labels: { by: 'dockerode' }, IPAM: { Config: [{ Subnet: '10.219.9.0/24', Gateway: '10.219.9.1' }] } });
  const listed = await docker.listNetworks({ filters: { label: ['by=dockerode'] } });
  assert.deepEqual(listed.map((n) => n.Name), ['dnet']);
  const c = await docker.createContainer({ Image: IMG, name: 'dnetc', Cmd: ['sleep', '300'] });
  await c.start();
  await net.connect({ Container: 'dnetc', EndpointConfig: { Aliases: ['dn'] } });
  const info = await net.inspect();
  assert.equal(info.IPAM?.Config?.[0].Subnet, '10.219.9.0/24');
  assert.deepEqual(Object.values(info.Containers as Record<string, { Name: string; IPv4Address: string }>).map((e) => e.Name), ['dnetc']);
  assert.match((await c.inspect()).NetworkSettings.Networks.dnet.IPAddress, /^10\.219\.9\.\d+$/);
  await assert.rejects(net.remove(), (e: any) => e.statusCode === 409 || e.statusCode === 403);
  await net.disconnect({ Container: 'dnetc' });
  assert.equal((await c.inspect()).NetworkSettings.Networks.dnet, undefined);
  await c.remove({ force: true });
  await net.remove();
  await assert.rejects(docker.getNetwork('dnet').inspect(), (e: any) => e.statusCode === 404);
});

test('volumes: create, list by filter, inspect, use, prune keeps named volumes unless all', async () => {
  const v = await docker.createVolume({ Name: 'dvol', Labels: { by: 'dockerode' } });
  assert.equal((v as unknown as Docker.Volume).name, 'dvol');
  const listed = await docker.listVolumes({ filters: { label: ['by=dockerode'] } });
  assert.deepEqual(listed.Volumes.map((x) => x.Name), ['dvol']);
  const info = await docker.getVolume('dvol').inspect();
  assert.deepEqual([info.Driver, info.Labels], ['local', { by: 'dockerode' }]);
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sh', '-c', 'echo kept > /v/f'], HostConfig: { Binds: ['dvol:/v'] } });
  await c.start();
  await c.wait();
  await assert.rejects(docker.getVolume('dvol').remove(), (e: any) => e.statusCode === 409);
  await c.remove();
  const pruned = await docker.pruneVolumes();
  assert.ok(!(pruned.VolumesDeleted ?? []).includes('dvol'), 'a named volume is kept by a plain prune');
  const all = (await docker.pruneVolumes({ filters: { all: ['true'] } } as never)) as unknown as { VolumesDeleted: string[] | null };
  assert.ok((all.VolumesDeleted ?? []).includes('dvol'));
  await assert.rejects(docker.getVolume('dvol').inspect(), (e: any) => e.statusCode === 404 && /get dvol: no such volume/.test(e.json?.message ?? ''));
});

test('exec with a tty: resize changes the size the process sees', async () => {
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sleep', '300'] });
  await c.start();
  const exec = await c.exec({ Cmd: ['sh'], Tty: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: true, Tty: true })) as unknown as NodeJS.ReadWriteStream & Readable;
  await exec.resize({ h: 33, w: 77 });
  stream.write('stty size\n');
  assert.match(await readUntil(stream, /\r\n33 77\r\n/), /33 77/);
  await exec.resize({ h: 12, w: 140 });
  stream.write('stty size\n');
  assert.match(await readUntil(stream, /\r\n12 140\r\n/), /12 140/);
  stream.write('exit 4\n');
  await new Promise<void>((r) => { stream.on('end', () => r()); stream.on('close', () => r()); stream.resume(); });
  assert.equal((await exec.inspect()).ExitCode, 4);
  await c.remove({ force: true });
});

test('container with a tty: attach, resize, stty size follows, raw (unframed) output', async () => {
  const c = await docker.createContainer({ Image: IMG, Cmd: ['sh'], Tty: true, OpenStdin: true, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = (await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as NodeJS.ReadWriteStream & Readable;
  await c.start();
  await c.resize({ h: 31, w: 91 });
  stream.write('stty size; echo err-too >&2\n');
  const out = await readUntil(stream, /\r\n31 91\r\nerr-too\r\n/);
  assert.ok(!out.includes('\x01\x00\x00\x00'), 'no multiplexing headers on a tty stream');
  stream.write('exit 6\n');
  assert.equal((await c.wait()).StatusCode, 6);
  await c.remove();
});

test('stats stream: one JSON sample a second until the client stops reading', async () => {
  const c = await docker.createContainer({ Image: IMG, name: 'streamed', Cmd: ['sleep', '300'] });
  await c.start();
  const from = readFileSync(daemon.logFile, 'utf8').split('\n').length - 1;
  const stream = (await c.stats({ stream: true })) as unknown as Readable;
  const samples: Record<string, any>[] = [];
  await new Promise<void>((resolve) => {
    let buf = '';
    stream.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        samples.push(JSON.parse(buf.slice(0, nl)) as Record<string, any>);
        buf = buf.slice(nl + 1);
      }
      if (samples.length >= 2) resolve();
    });
  });
  stream.destroy();
  assert.equal(samples[0].name, '/streamed');
  assert.equal(samples[1].pids_stats.current, 1);
  assert.ok(Date.parse(samples[1].read) > Date.parse(samples[0].read));
  assert.equal(samples[1].precpu_stats.cpu_usage.total_usage, samples[0].cpu_stats.cpu_usage.total_usage);
  await c.remove({ force: true });
  assert.equal(String(await docker.ping()), 'OK');
  assert.deepEqual(readFileSync(daemon.logFile, 'utf8').split('\n').slice(from).filter((l) => /"level":"(warn|error)"/.test(l)), []);
});

test('a followed logs stream aborted by the client: berthd frees it, the container goes, no error logged', async () => {
  const c = await docker.createContainer({ Image: IMG, name: 'chatty', Cmd: ['sh', '-c', 'while true; do echo tick; sleep 0.1; done'] });
  await c.start();
  const from = readFileSync(daemon.logFile, 'utf8').split('\n').length - 1;
  const fdsBefore = readdirSync(`/proc/${daemon.pid}/fd`).length;
  for (let i = 0; i < 5; i++) {
    const logs = (await c.logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    await new Promise((r) => logs.once('data', r));
    logs.destroy();
  }
  const events = (await docker.getEvents({ filters: { container: ['chatty'] } })) as unknown as Readable;
  await new Promise((r) => setTimeout(r, 200));
  events.destroy();
  let fds = readdirSync(`/proc/${daemon.pid}/fd`).length;
  for (let i = 0; i < 40 && fds > fdsBefore + 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    fds = readdirSync(`/proc/${daemon.pid}/fd`).length;
  }
  assert.ok(fds <= fdsBefore + 2, `berthd holds ${fds} fds, ${fdsBefore} before the streams`);
  await c.remove({ force: true });
  await assert.rejects(c.inspect(), (e: any) => e.statusCode === 404);
  assert.equal(String(await docker.ping()), 'OK');
  assert.deepEqual(readFileSync(daemon.logFile, 'utf8').split('\n').slice(from).filter((l) => /"level":"(warn|error)"/.test(l)), []);
});

test('pruneContainers with a label filter removes only the stopped containers it names', async () => {
  const a = await docker.createContainer({ Image: IMG, Cmd: ['true'], Labels: { prune: 'yes' } });
  const b = await docker.createContainer({ Image: IMG, Cmd: ['true'], Labels: { prune: 'no' } });
  const running = await docker.createContainer({ Image: IMG, Cmd: ['sleep', '300'], Labels: { prune: 'yes' } });
  await running.start();
  const r = await docker.pruneContainers({ filters: { label: ['prune=yes'] } });
  assert.deepEqual(r.ContainersDeleted, [a.id]);
  const r2 = (await docker.pruneContainers({ filters: { 'label!': ['prune=no'] } } as never)) as unknown as { ContainersDeleted: string[] | null };
  assert.equal(r2.ContainersDeleted, null);
  await b.inspect();
  await running.remove({ force: true });
  await b.remove();
});

test('events with filters: only the named container\'s start and die, live', async () => {
  const events = (await docker.getEvents({ filters: { container: ['filtered'], event: ['start', 'die'] } })) as unknown as Readable;
  const got: Record<string, any>[] = [];
  const two = new Promise<void>((resolve) => {
    let buf = '';
    events.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        got.push(JSON.parse(buf.slice(0, nl)) as Record<string, any>);
        buf = buf.slice(nl + 1);
      }
      if (got.length >= 2) resolve();
    });
  });
  const other = await docker.createContainer({ Image: IMG, Cmd: ['true'] });
  await other.start();
  const c = await docker.createContainer({ Image: IMG, name: 'filtered', Cmd: ['true'] });
  await c.start();
  await two;
  events.destroy();
  assert.deepEqual(got.map((e) => `${e.Action} ${e.Actor.Attributes.name}`), ['start filtered', 'die filtered']);
  await other.remove({ force: true });
  await c.remove({ force: true });
});

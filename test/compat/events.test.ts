// The event stream of berthd as the real `docker events` (28.x), dockerode and `berth events` see it:
// every container, image, network and volume action the engine performs, Docker's message shape,
// and the filters and time bounds clients use.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import Docker from 'dockerode';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { DOCKER, dockerCli, ok } from './docker-cli.js';

const IMG = 'berth-events/busybox:latest';
const BERTH = resolve(import.meta.dirname, '../../bin/berth');
let daemon: TestDaemon;
let docker: ReturnType<typeof dockerCli>;
let work: string;
/** unix seconds (with fraction) around the scripted scenario */
let since: string;
let until: string;
let cid: string;

interface Ev { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; scope: string; time: number; timeNano: number; status?: string; id?: string; from?: string }

const d = (...args: string[]) => ok(docker(args), `docker ${args.join(' ')}`);
const stamp = () => (Date.now() / 1000).toFixed(3);
const parseLines = (out: string): Ev[] => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Ev);
/** `docker events` over the scenario's window, as JSON lines, with extra flags. */
const events = async (...flags: string[]) => parseLines(await d('events', '--since', since, '--until', until, '--format', '{{json .}}', ...flags));
const kinds = (evs: Ev[]) => evs.map((e) => `${e.Type} ${e.Action.split(':')[0]}`);

before(async () => {
  daemon = await startTestDaemon();
  docker = dockerCli(daemon.dockerHost);
  work = mkdtempSync(join(tmpdir(), 'berth-events-'));
  const tar = makeBusyboxTar(join(work, 'busybox.tar'));
  since = stamp();
  // One scripted life of each kind of object, through the real docker CLI.
  await d('import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tar, IMG);
  await d('tag', IMG, 'berth-events/copy:v1');
  await d('save', '-o', join(work, 'copy.tar'), 'berth-events/copy:v1');
  await d('rmi', 'berth-events/copy:v1');
  await d('load', '-i', join(work, 'copy.tar'));
  await d('rmi', 'berth-events/copy:v1');
  // A second image with its own id: removing its only tag deletes it.
  await d('import', '--change', 'CMD ["true"]', tar, 'berth-events/other:v1');
  await d('rmi', 'berth-events/other:v1');
  await d('network', 'create', 'evnet');
  await d('volume', 'create', 'evvol');
  cid = await d('run', '-d', '--name', 'ev1', '--label', 'tier=front', '-v', 'evvol:/data', IMG, 'sleep', '300');
  await d('network', 'connect', 'evnet', 'ev1');
  await d('network', 'disconnect', 'evnet', 'ev1');
  await d('exec', 'ev1', 'true');
  await d('pause', 'ev1');
  await d('unpause', 'ev1');
  await d('rename', 'ev1', 'ev2');
  await d('restart', '-t', '1', 'ev2');
  await d('kill', '-s', 'KILL', 'ev2');
  await d('wait', 'ev2');
  await d('rm', 'ev2');
  const three = await docker(['run', '--name', 'ev3', IMG, 'sh', '-c', 'exit 3']);
  assert.equal(three.code, 3);
  await d('rm', 'ev3');
  await d('network', 'rm', 'evnet');
  await d('volume', 'rm', 'evvol');
  until = stamp();
});

after(async () => {
  await daemon?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('docker events: every action of the scenario, in order, with Docker\'s message shape', async () => {
  const all = await events();
  const seen = kinds(all);
  const expected = [
    'image import', 'image tag', 'image save', 'image untag', 'image load', 'image untag', 'image import', 'image untag', 'image delete',
    'network create', 'volume create', 'container create', 'volume mount', 'network connect', 'container start',
    'network connect', 'network disconnect', 'container exec_create', 'container exec_start', 'container exec_die',
    'container pause', 'container unpause', 'container rename', 'container kill', 'container die', 'container stop',
    'container start', 'container restart', 'container kill', 'container die', 'container destroy', 'container attach',
    'network destroy', 'volume destroy', 'volume unmount',
  ];
  for (const k of expected) assert.ok(seen.includes(k), `"${k}" missing from ${seen.join(', ')}`);
  // Order of one container's life.
  const life = all.filter((e) => e.Type === 'container' && e.Actor.ID === cid).map((e) => e.Action.split(':')[0]);
  const at = (a: string, from = 0) => life.indexOf(a, from);
  assert.ok(at('create') < at('start') && at('start') < at('pause') && at('pause') < at('unpause') && at('unpause') < at('rename'), life.join(','));
  assert.ok(at('rename') < at('die') && at('die') < at('stop') && at('stop') < at('start', at('rename')) && at('start', at('rename')) < at('restart'), life.join(','));
  assert.equal(life[life.length - 1], 'destroy');

  const create = all.find((e) => e.Type === 'container' && e.Action === 'create' && e.Actor.ID === cid)!;
  assert.equal(create.status, 'create');
  assert.equal(create.id, cid);
  assert.equal(create.from, IMG);
  assert.equal(create.scope, 'local');
  assert.equal(create.Actor.Attributes.name, 'ev1');
  assert.equal(create.Actor.Attributes.image, IMG);
  assert.equal(create.Actor.Attributes.tier, 'front', 'container labels are event attributes');
  assert.equal(Math.floor(create.timeNano / 1e9), create.time);
  const rename = all.find((e) => e.Action === 'rename')!;
  assert.equal(rename.Actor.Attributes.oldName, '/ev1');
  assert.equal(rename.Actor.Attributes.name, 'ev2');
  const killTerm = all.find((e) => e.Action === 'kill' && e.Actor.Attributes.signal === 'KILL' && e.Actor.Attributes.name === 'ev2');
  assert.ok(killTerm, 'kill carries the signal');
  const exits = all.filter((e) => e.Action === 'die').map((e) => `${e.Actor.Attributes.name}=${e.Actor.Attributes.exitCode}`);
  assert.ok(exits.includes('ev2=137'), exits.join(','));
  assert.ok(exits.includes('ev3=3'), exits.join(','));
  const execDie = all.find((e) => e.Action === 'exec_die')!;
  assert.equal(execDie.Actor.Attributes.exitCode, '0');
  assert.ok(execDie.Actor.Attributes.execID);
  assert.equal(execDie.Actor.Attributes.tier, 'front', 'every container event carries the labels');
  assert.equal(all.find((e) => e.Action === 'restart')?.Actor.Attributes.tier, 'front');
  assert.ok(all.filter((e) => e.Action === 'die').every((e) => /^\d+$/.test(e.Actor.Attributes.execDuration)), 'die carries execDuration (seconds)');
  const connect = all.find((e) => e.Type === 'network' && e.Action === 'connect' && e.Actor.Attributes.name === 'evnet')!;
  assert.equal(connect.Actor.Attributes.container, cid);
  assert.equal(connect.Actor.Attributes.type, 'bridge');
  assert.equal(connect.status, undefined, 'no legacy fields for networks');
  const mount = all.find((e) => e.Type === 'volume' && e.Action === 'mount')!;
  assert.equal(mount.Actor.ID, 'evvol');
  assert.equal(mount.Actor.Attributes.container, cid);
  const tag = all.find((e) => e.Action === 'tag' && e.Actor.Attributes.name === 'berth-events/copy:v1')!;
  assert.match(tag.Actor.ID, /^sha256:[0-9a-f]{64}$/);
  assert.equal(all.find((e) => e.Action === 'import')?.Actor.ID, tag.Actor.ID);
  // Time stamps never go backwards.
  for (let i = 1; i < all.length; i++) assert.ok(all[i].timeNano >= all[i - 1].timeNano);
});

test('docker events filters: type, event, container, image, label, network, volume', async () => {
  const types = new Set((await events('--filter', 'type=network')).map((e) => e.Type));
  assert.deepEqual([...types], ['network']);
  const startsAndDies = kinds(await events('--filter', 'event=start', '--filter', 'event=die'));
  assert.ok(startsAndDies.length >= 4 && startsAndDies.every((k) => k === 'container start' || k === 'container die'), startsAndDies.join(','));
  const byName = await events('--filter', 'container=ev3');
  assert.ok(byName.length >= 4 && byName.every((e) => e.Actor.Attributes.name === 'ev3'));
  const byId = await events('--filter', `container=${cid.slice(0, 12)}`);
  assert.ok(byId.length >= 10 && byId.every((e) => e.Actor.ID === cid));
  const byImage = await events('--filter', 'image=berth-events/busybox', '--filter', 'type=container', '--filter', 'event=create');
  assert.deepEqual(byImage.map((e) => e.Actor.Attributes.name).sort(), ['ev1', 'ev3']);
  const labelled = await events('--filter', 'label=tier=front', '--filter', 'event=destroy');
  assert.deepEqual(labelled.map((e) => e.Actor.ID), [cid]);
  const execs = kinds(await events('--filter', 'event=exec_start'));
  assert.deepEqual(execs, ['container exec_start']);
  const net = kinds(await events('--filter', 'network=evnet'));
  assert.deepEqual(net, ['network create', 'network connect', 'network disconnect', 'network destroy']);
  const vol = kinds(await events('--filter', 'volume=evvol'));
  assert.equal(vol[0], 'volume create');
  assert.equal(vol.at(-1), 'volume destroy');
  assert.ok(vol.includes('volume mount') && vol.includes('volume unmount') && vol.indexOf('volume mount') < vol.indexOf('volume unmount'), vol.join(','));
});

test('docker events: relative and RFC 3339 --since/--until, Go templates', async () => {
  // docker turns "0s" into whole seconds: let the scenario's last second pass first.
  await new Promise((r) => setTimeout(r, 1100));
  const rel = await d('events', '--since', '10m', '--until', '0s', '--filter', 'container=ev3', '--filter', 'event=die', '--format', '{{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}} {{.Status}}');
  assert.equal(rel, 'ev3 3 die');
  const rfc = new Date(Number(since) * 1000 - 1000).toISOString().replace(/\.\d+Z$/, 'Z');
  const later = new Date(Number(until) * 1000 + 2000).toISOString().replace(/\.\d+Z$/, 'Z');
  const out = await d('events', '--since', rfc, '--until', later, '--filter', 'type=volume', '--format', '{{.Type}} {{.Action}} {{.Actor.ID}}');
  assert.match(out, /^volume create evvol$/m);
  // Before the scenario: nothing.
  const before = await d('events', '--since', String(Number(since) - 60), '--until', String(Number(since) - 30));
  assert.equal(before, '');
  const backwards = await docker(['events', '--since', '2000', '--until', '1000']);
  assert.notEqual(backwards.code, 0);
  assert.match(backwards.stderr, /`since` time \(2000\) cannot be after `until` time \(1000\)/);
  // The default format is Docker's line.
  const line = await d('events', '--since', since, '--until', until, '--filter', 'event=rename');
  assert.match(line, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+(Z|[+-]\\d\\d:\\d\\d) container rename ${cid} \\(.*name=ev2, oldName=/ev1, tier=front\\)$`));
});

test('docker events streams live events as they happen', async () => {
  const child = spawn(DOCKER, ['events', '--filter', 'container=live1', '--format', '{{.Action}}'], { env: { ...process.env, DOCKER_HOST: daemon.dockerHost, DOCKER_CONFIG: work } });
  let out = '';
  const got = new Promise<void>((done) => child.stdout.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('destroy\n')) done(); }));
  try {
    await new Promise((r) => setTimeout(r, 700));
    await d('run', '--rm', '--name', 'live1', IMG, 'true');
    await Promise.race([got, new Promise((r) => setTimeout(r, 15_000))]);
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('close', r));
  }
  assert.deepEqual(out.trim().split('\n').filter((a) => a !== 'attach'), ['create', 'start', 'die', 'destroy']);
});

test('a container killed by the OOM killer: oom, then die 137', async () => {
  const from = stamp();
  const r = await docker(['run', '--name', 'oomy', '--memory', '16m', '--memory-swap', '16m', IMG, 'sh', '-c', 'x=$(head -c 64000000 /dev/zero | tr "\\0" a); echo ${#x}'], { timeoutMs: 60_000 });
  assert.equal(r.code, 137);
  const out = await d('events', '--since', from, '--until', stamp(), '--filter', 'container=oomy', '--filter', 'event=oom', '--filter', 'event=die', '--format', '{{.Action}} {{.Actor.Attributes.exitCode}}');
  assert.equal(out, 'oom <no value>\ndie 137');
  assert.ok(!existsSync(join(process.cwd(), 'oom')), "conmon's oom marker stays in the bundle, not in berthd's working directory");
  await d('rm', 'oomy');
});

test('dockerode getEvents: past window with filters, parsed as Docker\'s messages', async () => {
  const api = new Docker({ socketPath: daemon.socket });
  const stream = (await api.getEvents({ since: Math.floor(Number(since)), until: Math.ceil(Number(until)), filters: { type: ['container'], event: ['die'] } })) as unknown as Readable;
  let text = '';
  for await (const chunk of stream) text += (chunk as Buffer).toString();
  const dies = parseLines(text);
  assert.ok(dies.length >= 3);
  assert.ok(dies.every((e) => e.Type === 'container' && e.Action === 'die' && /^\d+$/.test(e.Actor.Attributes.exitCode)));
  assert.ok(dies.some((e) => e.Actor.Attributes.name === 'ev3' && e.Actor.Attributes.exitCode === '3'));
});

test('berth events: --format json and templates over the same stream', async () => {
  const run = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    const child = spawn(process.execPath, [BERTH, ...args], { env: { ...process.env, DOCKER_HOST: daemon.dockerHost } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('close', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
  const json = await run(['events', '--since', since, '--until', until, '--filter', 'type=network', '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const nets = parseLines(json.stdout);
  assert.ok(nets.length >= 4 && nets.every((e) => e.Type === 'network'), json.stdout);
  assert.deepEqual(kinds(nets.filter((e) => e.Actor.Attributes.name === 'evnet')), ['network create', 'network connect', 'network disconnect', 'network destroy']);
  const tpl = await run(['events', '--since', '10m', '--until', '0s', '--filter', 'container=ev3', '--filter', 'event=die', '--format', '{{.Actor.Attributes.name}}:{{.Actor.Attributes.exitCode}}']);
  assert.equal(tpl.stdout, 'ev3:3\n');
  const bad = await run(['events', '--since', 'yesterday-ish']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /since/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});

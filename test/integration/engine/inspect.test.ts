// Looking into running containers: top, stats, and cp in both directions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { openTestEngine, cleanupEngine, spec, type TestEngine } from './harness.js';

let t: TestEngine;
let id: string;
before(async () => {
  t = await openTestEngine();
  ({ id } = await t.engine.containers.create(spec(['sh', '-c', 'echo hi > /tmp/hello.txt; sleep 100 & wait'], {}, { resources: { memory: 64 * 1024 * 1024, pidsLimit: 50 } })));
  await t.engine.containers.start(id);
  await new Promise((r) => setTimeout(r, 200));
});
after(async () => { await t?.engine.shutdown(); if (t) await cleanupEngine(t.root); });

test('top lists the container processes only', async () => {
  const top = await t.engine.containers.top(id);
  assert.ok(top.titles.includes('PID') && top.titles.includes('CMD'));
  const cmds = top.processes.map((p) => p[p.length - 1]);
  assert.equal(cmds.length, 2, JSON.stringify(cmds));
  assert.ok(cmds.some((c) => c.startsWith('sleep 100')));
  const custom = await t.engine.containers.top(id, '-o pid,comm');
  assert.deepEqual(custom.titles, ['PID', 'COMMAND']);
});

test('stats read cpu, memory with its limit, and pids from the cgroup', async () => {
  const s = await t.engine.containers.stats(id);
  assert.ok(s.cpu.totalUsage > 0);
  assert.ok(s.cpu.system > 0);
  assert.ok(s.memory.usage > 0);
  assert.equal(s.memory.limit, 64 * 1024 * 1024);
  assert.equal(s.pids.current, 2);
  assert.equal(s.pids.limit, 50);
  assert.ok(Array.isArray(s.blkio));
});

async function untar(r: Readable): Promise<Record<string, { type: string; data: string }>> {
  const out: Record<string, { type: string; data: string }> = {};
  const ex = tar.extract();
  ex.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    stream.on('end', () => { out[h.name] = { type: h.type ?? 'file', data: Buffer.concat(chunks).toString() }; next(); });
  });
  await new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); r.pipe(ex); });
  return out;
}

test('cp out of and into a running container', async () => {
  const c = t.engine.containers;
  const st = await c.statPath(id, '/tmp/hello.txt');
  assert.equal(st.name, 'hello.txt');
  assert.equal(st.size, 3);
  const { tar: out } = await c.getArchive(id, '/tmp/hello.txt');
  assert.deepEqual(await untar(out), { 'hello.txt': { type: 'file', data: 'hi\n' } });
  const dir = await untar((await c.getArchive(id, '/etc')).tar);
  assert.equal(dir['etc/passwd'].data.split('\n')[0], 'root:x:0:0:root:/root:/bin/sh');

  const pack = tar.pack();
  pack.entry({ name: 'newdir', type: 'directory', mode: 0o755 });
  pack.entry({ name: 'newdir/file.txt', mode: 0o640 }, 'copied in\n');
  pack.finalize();
  await c.putArchive(id, '/root', pack as unknown as Readable, { noOverwriteDirNonDir: true, copyUIDGID: false });
  const execId = await t.engine.exec.create(id, { cmd: ['sh', '-c', 'cat /root/newdir/file.txt; stat -c %a /root/newdir/file.txt'], env: [], tty: false, attachStdin: false, attachStdout: true, attachStderr: true, privileged: false });
  const s = await t.engine.exec.start(execId, { detach: false, tty: false });
  const chunks: Buffer[] = [];
  for await (const ch of s!.stdout) chunks.push(ch as Buffer);
  assert.equal(Buffer.concat(chunks).toString(), 'copied in\n640\n');
  await assert.rejects(c.statPath(id, '/nope'), (e: Error & { kind?: string }) => e.kind === 'not_found');
  // A symlink cannot lead out of the rootfs.
  const link = tar.pack();
  link.entry({ name: 'escape', type: 'symlink', linkname: '/' });
  link.finalize();
  await c.putArchive(id, '/tmp', link as unknown as Readable, { noOverwriteDirNonDir: true, copyUIDGID: false });
  const { tar: viaLink } = await c.getArchive(id, '/tmp/escape/etc/passwd');
  assert.equal(Object.values(await untar(viaLink))[0].data, dir['etc/passwd'].data);
});

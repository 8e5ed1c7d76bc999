// The build context as berthd reads it (in memory, written to disk only for a step that copies):
// a fully cached rebuild writes nothing under the data root; symlinks, hard links, modes and
// wildcards reach the image as from a context on disk; tar and gzip files as contexts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBuildFixture, type BuildFixture } from './fixture.js';

const skip = process.getuid?.() !== 0 ? 'build tests need root' : undefined;
let fx: BuildFixture;

before(async () => { if (!skip) fx = await startBuildFixture(); });
after(async () => { await fx?.stop(); });

/** path → "size mtime" of every file and directory under `root`, logs left out. */
function snapshot(root: string, rel = '', out = new Map<string, string>()): Map<string, string> {
  for (const name of readdirSync(join(root, rel))) {
    const r = rel ? `${rel}/${name}` : name;
    if (r.endsWith('.log')) continue;
    const st = lstatSync(join(root, r));
    out.set(r, `${st.size} ${st.mtimeMs} ${st.ino}`);
    if (st.isDirectory()) snapshot(root, r, out);
  }
  return out;
}

test('a fully cached rebuild creates and writes nothing under the data root', { skip }, async () => {
  const dir = fx.context({
    'a.txt': 'a\n',
    'lib/one.txt': '1\n',
    Dockerfile: 'FROM busybox AS base\nCOPY <<EOF /here.txt\nhello\nEOF\nCOPY a.txt lib/ /app/\nRUN echo ran > /ran\n'
      + 'FROM busybox\nCOPY --from=base /app/one.txt /one.txt\nWORKDIR /w\nCMD ["cat", "/one.txt"]\n',
  });
  await fx.build(dir, ['-t', 'nowrite']);
  await fx.build(dir, ['-t', 'nowrite']);
  const before = snapshot(fx.daemon.dataRoot);
  const again = await fx.build(dir, ['-t', 'nowrite']);
  assert.equal(again.match(/Using cache/g)?.length, 6);
  const after = snapshot(fx.daemon.dataRoot);
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((k) => before.get(k) !== after.get(k));
  assert.deepEqual(changed, [], 'nothing under the data root changed');
  assert.equal(await fx.run('nowrite', []), '1\n');
});

test('symlinks, hard links, modes and wildcards from the context land as on disk', { skip }, async () => {
  const dir = fx.context({ 'data/real.txt': 'real\n', 'data/sub/x.cfg': 'x\n', 'data/sub/y.cfg': 'y\n', 'run.sh': '#!/bin/sh\necho run\n' });
  chmodSync(join(dir, 'run.sh'), 0o750);
  symlinkSync('real.txt', join(dir, 'data/link.txt'));
  symlinkSync('data/real.txt', join(dir, 'named-link'));
  linkSync(join(dir, 'data/real.txt'), join(dir, 'data/hard.txt'));
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY data /d/\nCOPY named-link /followed.txt\nCOPY data/sub/*.cfg /cfg/\nCOPY run.sh /\n');
  await fx.build(dir, ['-t', 'ctxfiles']);
  const out = await fx.run('ctxfiles', ['sh', '-c',
    'readlink /d/link.txt; cat /d/hard.txt; [ -L /followed.txt ] && echo link || cat /followed.txt; ls /cfg; stat -c %a /run.sh']);
  assert.equal(out, 'real.txt\nreal\nreal\nx.cfg\ny.cfg\n750\n');
  // A changed mode alone invalidates the COPY that reads the file.
  chmodSync(join(dir, 'run.sh'), 0o755);
  const rebuilt = await fx.build(dir, ['-t', 'ctxfiles']);
  const steps = rebuilt.split(/Step \d+\/5 : /).slice(1);
  assert.match(steps[3], /Using cache/);
  assert.doesNotMatch(steps[4], /Using cache/);
  assert.equal(await fx.run('ctxfiles', ['stat', '-c', '%a', '/run.sh']), '755\n');
});

test('a tar or gzip file as the context; a broken tar is refused with one line', { skip }, async () => {
  const dir = fx.context({ 'f.txt': 'from tar\n', Dockerfile: 'FROM busybox\nCOPY f.txt /f.txt\nCMD ["cat", "/f.txt"]\n' });
  const tar = execFileSync('tar', ['-C', dir, '-cf', '-', '.']);
  const gz = execFileSync('gzip', ['-c'], { input: tar });
  for (const [tag, body] of [['fromtar', tar], ['fromgz', gz]] as const) {
    writeFileSync(join(fx.work, `${tag}.tar`), body);
    const r = await fx.berth(['build', '-t', tag, join(fx.work, `${tag}.tar`)]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await fx.run(tag, []), 'from tar\n');
  }
  const broken = Buffer.concat([tar.subarray(0, 1024 + 100)]);
  writeFileSync(join(fx.work, 'broken.tar'), broken);
  const r = await fx.berth(['build', '-t', 'broken', join(fx.work, 'broken.tar')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /invalid build context/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.equal((await fx.berth(['images', '-q', 'broken'])).stdout, '');
});

test('the cache outlives berthd and keeps the steps of a build that failed later', { skip }, async () => {
  const dir = fx.context({ 'f.txt': 'f\n', Dockerfile: 'FROM busybox\nCOPY f.txt /f\nRUN echo one > /one\nRUN exit 7\n' });
  const failed = await fx.berth(['build', '-t', 'keeps', dir]);
  assert.notEqual(failed.code, 0);
  assert.match(failed.stderr, /returned a non-zero code: 7/);
  await fx.daemon.restart();
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY f.txt /f\nRUN echo one > /one\nRUN true\n');
  const fixed = await fx.build(dir, ['-t', 'keeps']);
  const steps = fixed.split(/Step \d+\/4 : /).slice(1);
  assert.match(steps[1], /Using cache/, 'COPY cached before the restart');
  assert.match(steps[2], /Using cache/, 'RUN that succeeded before the failure');
  assert.doesNotMatch(steps[3], /Using cache/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DockerIgnore } from '../../common/dockerignore.js';
import { readContextTar } from './context-tree.js';
import { findContextSources, hashContextSources } from './context-sources.js';

function fixture(): { dir: string; tar: Buffer } {
  const dir = mkdtempSync(join(tmpdir(), 'ctx-tree-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, 'a/b'), { recursive: true });
  writeFileSync(join(src, 'a/b/one.txt'), 'one\n');
  writeFileSync(join(src, 'a/two.txt'), 'two two\n');
  chmodSync(join(src, 'a/two.txt'), 0o600);
  writeFileSync(join(src, 'skip.log'), 'x');
  symlinkSync('b/one.txt', join(src, 'a/link'));
  symlinkSync('/a', join(src, 'abs'));
  return { dir, tar: execFileSync('tar', ['-C', src, '-cf', '-', '.']) };
}

test('a context tar read with a tiny memory limit spools files and writes the same tree back', async () => {
  const { dir, tar } = fixture();
  try {
    let asked = 0;
    const spool = join(dir, 'spool');
    const tree = await readContextTar(Readable.from([tar.subarray(0, 700), tar.subarray(700)]), async () => { asked++; mkdirSync(spool, { recursive: true }); return spool; }, 5);
    assert.ok(asked > 0 && readdirSync(spool).length >= 1, 'contents over the limit went to spool files');
    assert.equal((await tree.readFile('a/two.txt')).toString(), 'two two\n');
    assert.equal(tree.lstat('a/two.txt')?.mode, 0o600);
    assert.deepEqual(tree.walk(), ['a', 'a/b', 'a/b/one.txt', 'a/link', 'a/two.txt', 'abs', 'skip.log']);
    tree.removeIgnored(new DockerIgnore('*.log\n'));
    const out = join(dir, 'out');
    mkdirSync(out);
    await tree.materialize(out);
    assert.equal(readFileSync(join(out, 'a/b/one.txt'), 'utf8'), 'one\n');
    assert.equal(statSync(join(out, 'a/two.txt')).mode & 0o7777, 0o600);
    assert.equal(readlinkSync(join(out, 'a/link')), 'b/one.txt');
    assert.throws(() => statSync(join(out, 'skip.log')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sources: symlinks followed inside the context, wildcards, a changed byte changes the hash, escapes refused', async () => {
  const { dir, tar } = fixture();
  try {
    const tree = await readContextTar(Readable.from([tar]), async () => dir);
    const viaAbs = findContextSources(tree, ['abs/link']);
    assert.equal(viaAbs[0].key, 'a/b/one.txt');
    assert.deepEqual(findContextSources(tree, ['a/*.txt']).map((s) => s.rel), ['a/two.txt']);
    assert.equal(findContextSources(tree, ['.'])[0].entry.type, 'dir');
    const before = hashContextSources(tree, findContextSources(tree, ['a']));
    assert.equal(hashContextSources(tree, findContextSources(tree, ['a'])), before);
    const e = tree.lstat('a/b/one.txt');
    tree.set('a/b/one.txt', { ...e!, digest: 'other' });
    assert.notEqual(hashContextSources(tree, findContextSources(tree, ['a'])), before);
    assert.throws(() => findContextSources(tree, ['../etc/passwd']), /forbidden path outside the build context/);
    assert.throws(() => findContextSources(tree, ['nope']), /file not found in build context/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

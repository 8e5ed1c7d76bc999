import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { END_OF_ARCHIVE, entryHeader, padding } from './tar-writer.js';

test('GNU tar reads what the writer writes: files, dirs, symlinks, long and non-ASCII names', () => {
  const long = `${'d'.repeat(60)}/${'n'.repeat(80)}.txt`;
  const data = Buffer.from('hello\n');
  const mtime = new Date('2024-01-02T03:04:05Z');
  const tar = Buffer.concat([
    entryHeader({ name: 'dir', type: 'directory', mode: 0o40750, mtime }),
    entryHeader({ name: 'dir/f.txt', type: 'file', mode: 0o100640, mtime, size: data.length }), data, padding(data.length),
    entryHeader({ name: long, type: 'file', mode: 0o644, mtime, size: data.length }), data, padding(data.length),
    entryHeader({ name: 'ünï.txt', type: 'file', mode: 0o644, mtime, size: 0 }),
    entryHeader({ name: 'link', type: 'symlink', mode: 0o777, mtime, linkname: `x/${'t'.repeat(120)}` }),
    END_OF_ARCHIVE,
  ]);
  const list = execFileSync('tar', ['-tvf', '-', '--numeric-owner', '--utc'], { input: tar, env: { ...process.env, LC_ALL: 'C.UTF-8' } }).toString();
  const lines = list.trim().split('\n');
  assert.equal(lines.length, 5, list);
  assert.match(lines[0], /^drwxr-x--- 0\/0\s+0 2024-01-02 03:04 dir\/$/);
  assert.match(lines[1], /^-rw-r----- 0\/0\s+6 2024-01-02 03:04 dir\/f\.txt$/);
  assert.ok(lines[2].endsWith(` ${long}`), lines[2]);
  assert.ok(lines[3].endsWith(' ünï.txt'), lines[3]);
  assert.ok(lines[4].endsWith(`link -> x/${'t'.repeat(120)}`), lines[4]);
  const content = execFileSync('tar', ['-xOf', '-', long], { input: tar }).toString();
  assert.equal(content, 'hello\n');
});

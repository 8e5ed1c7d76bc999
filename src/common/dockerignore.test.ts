import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerIgnore } from './dockerignore.js';

test('patterns: *, ?, **, leading slash, parents, comments', () => {
  const d = new DockerIgnore('# comment\n*.log\n/tmp\n**/*.bak\nsecret?.txt\nbuild/\n');
  assert.equal(d.ignores('a.log'), true);
  assert.equal(d.ignores('dir/a.log'), false, '* does not cross directories');
  assert.equal(d.ignores('tmp/x'), true, 'a parent directory matches its contents');
  assert.equal(d.ignores('a/b/c.bak'), true);
  assert.equal(d.ignores('c.bak'), true, '**/ matches zero directories');
  assert.equal(d.ignores('secret1.txt'), true);
  assert.equal(d.ignores('secret10.txt'), false);
  assert.equal(d.ignores('build/out'), true);
  assert.equal(d.ignores('keep.txt'), false);
});

test('! re-includes, the last match wins', () => {
  const d = new DockerIgnore('docs\n!docs/README.md\n*.md\n!KEEP.md\n');
  assert.equal(d.ignores('docs/a.txt'), true);
  assert.equal(d.ignores('docs/README.md'), false);
  assert.equal(d.ignores('x.md'), true);
  assert.equal(d.ignores('KEEP.md'), false);
  assert.equal(d.skipsDir('docs'), false, 'an exception inside keeps the directory walked');
  assert.equal(new DockerIgnore('node_modules\n').skipsDir('node_modules'), true);
});

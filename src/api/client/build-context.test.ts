// contextTar against GNU tar: what .dockerignore leaves in, in order, small files gathered into
// chunks and a big one streamed between them, the Dockerfile kept even when ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextTar } from './build-context.js';

test('a context directory as GNU tar reads it: ignored paths out, big files whole, Dockerfile kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-context-'));
  try {
    mkdirSync(join(dir, 'lib/skip'), { recursive: true });
    mkdirSync(join(dir, 'node_modules/x'), { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\nlib/skip\nDockerfile\n*.log\n');
    writeFileSync(join(dir, 'a.log'), 'ignored\n');
    writeFileSync(join(dir, 'node_modules/x/i.js'), 'ignored\n');
    writeFileSync(join(dir, 'lib/skip/s.txt'), 'ignored\n');
    for (let i = 0; i < 200; i++) writeFileSync(join(dir, 'lib', `m${String(i).padStart(3, '0')}.txt`), `module ${i}\n`.repeat(100));
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 'b');
    writeFileSync(join(dir, 'lib/big.bin'), big);
    symlinkSync('lib/m000.txt', join(dir, 'link'));
    const chunks: Buffer[] = [];
    for await (const c of await contextTar(dir, ['Dockerfile', '.dockerignore'])) chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    // Small entries travel gathered, not one write each.
    assert.ok(chunks.length < 60, `${chunks.length} chunks`);
    const names = execFileSync('tar', ['-tf', '-'], { input: tar, maxBuffer: 64 << 20 }).toString().trim().split('\n');
    const expected = ['.dockerignore', 'lib/', 'lib/big.bin', ...Array.from({ length: 200 }, (_, i) => `lib/m${String(i).padStart(3, '0')}.txt`), 'link', 'Dockerfile'];
    assert.deepEqual(names, expected);
    const out = (name: string) => execFileSync('tar', ['-xOf', '-', name], { input: tar, maxBuffer: 64 << 20 });
    assert.ok(out('lib/big.bin').equals(big));
    assert.equal(out('lib/m123.txt').toString(), 'module 123\n'.repeat(100));
    assert.equal(out('Dockerfile').toString(), 'FROM scratch\n');
    assert.match(execFileSync('tar', ['-tvf', '-', 'link'], { input: tar, maxBuffer: 64 << 20 }).toString(), /link -> lib\/m000\.txt/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

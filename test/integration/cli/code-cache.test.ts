// bin/berth-cli.cjs runs the CLI bundle with a V8 code cache per verb: the output and exit code
// must be the same whether the cache is absent (first call: it is made at exit), present, or
// rejected (another build: it is made again). Runs on a copy of bin/ and dist/ in a temp dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureBuilt } from '../../helpers/daemon.js';

const REPO = resolve(import.meta.dirname, '../../..');
let dir: string;

before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'berth-code-cache-'));
  for (const d of ['bin', 'dist']) mkdirSync(join(dir, d));
  copyFileSync(join(REPO, 'bin/berth-cli.cjs'), join(dir, 'bin/berth-cli.cjs'));
  copyFileSync(join(REPO, 'dist/berth.cjs'), join(dir, 'dist/berth.cjs'));
});
after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

function berth(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // A host nothing listens on: the commands fail the same way every time, without an engine.
  const r = spawnSync(process.execPath, [join(dir, 'bin/berth-cli.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: `unix://${join(dir, 'none.sock')}` } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the same output and exit code with no cache, with one, and with a rejected one', () => {
  const cases: Array<{ args: string[]; cache: string }> = [
    { args: ['--version'], cache: 'berth.cjs.other.cache' },
    { args: ['run', '--help'], cache: 'berth.cjs.run.cache' },
    { args: ['run', '--rm', 'busybox', 'true'], cache: 'berth.cjs.run.cache' },
    { args: ['exec', '--nosuchflag', 'c', 'true'], cache: 'berth.cjs.exec.cache' },
    { args: ['nosuchverb'], cache: 'berth.cjs.other.cache' },
  ];
  let valid: Buffer | undefined; // a cache V8 accepts (made by --version), for the calls that make none
  for (const { args, cache } of cases) {
    rmSync(join(dir, 'dist', cache), { force: true });
    const cold = berth(args);
    // Only a call that did its work (exit 0, not --help) leaves a cache.
    const wrote = cold.code === 0 && !args.includes('--help');
    assert.equal(existsSync(join(dir, 'dist', cache)), wrote, `${args.join(' ')} ${wrote ? 'wrote' : 'did not write'} ${cache}`);
    if (wrote) valid ??= readFileSync(join(dir, 'dist', cache));
    else writeFileSync(join(dir, 'dist', cache), valid!);
    const warm = berth(args);
    assert.deepEqual(warm, cold, `berth ${args.join(' ')} with a cache`);
    writeFileSync(join(dir, 'dist', cache), 'not a V8 code cache');
    const rejected = berth(args);
    assert.deepEqual(rejected, cold, `berth ${args.join(' ')} with a rejected cache`);
  }
  // What the commands print is what berth prints (not a loader's failure).
  assert.match(berth(['--version']).stdout, /^berth version /);
  assert.equal(berth(['nosuchverb']).code, 1);
  assert.match(berth(['run', '--rm', 'busybox', 'true']).stderr, /Cannot connect to the engine/);
  // A rejected cache is made again by the next successful call.
  writeFileSync(join(dir, 'dist', 'berth.cjs.other.cache'), 'not a V8 code cache');
  berth(['--version']);
  assert.notEqual(readFileSync(join(dir, 'dist', 'berth.cjs.other.cache'), 'utf8'), 'not a V8 code cache');
});

// `berth compose` through the real binary: the README's quick start works, bad input gives one
// line on stderr and a non-zero exit code, never a stack trace.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const berth = join(root, 'bin', 'berth');
const cases = join(import.meta.dirname, 'cases');

function run(args: string[], opts: { cwd?: string; input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [berth, ...args], {
    cwd: opts.cwd ?? root,
    input: opts.input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: '/home/user', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  const b = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(b.status, 0, b.stderr);
});

test('the README quick start prints the example project', () => {
  const r = run(['compose', '-f', 'examples/hello/compose.yaml', 'config']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^name: hello\nservices:\n {2}redis:\n {4}build:\n/);
  assert.match(r.stdout, /\n {4}image: hello-redis\n/);
  assert.match(r.stdout, /published: "8000"/);
});

test('config reads the project from stdin with -f -', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-stdin-'));
  try {
    const r = run(['compose', '-f', '-', 'config', '--services'], { cwd: dir, input: 'services:\n  b:\n    image: x\n  a:\n    image: y\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'a\nb\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config -q prints nothing and succeeds on a valid project', () => {
  const r = run(['compose', 'config', '-q'], { cwd: join(cases, 'tutorial-flask-celery') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
});

const malformed = [
  'err-yaml-tabs', 'err-unknown-service-key', 'err-depends-on-cycle', 'err-interp', 'err-extends-missing-file', 'err-port-bad-protocol',
  'err-undefined-volume', 'err-scale-replicas-conflict', 'err-no-normalize', 'err-invalid-size',
];

for (const name of malformed) {
  test(`malformed project ${name}: one line on stderr, non-zero exit, no stack trace`, () => {
    const dir = name === 'err-interp' ? join(cases, 'interp-required-missing') : join(cases, name);
    const argsFile = join(dir, 'args');
    const args = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/) : ['config'];
    const r = run(['compose', ...args], { cwd: dir });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^Error: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('an invalid -p is refused with one line', () => {
  const r = run(['compose', '-p', 'Bad Name', '-f', 'examples/hello/compose.yaml', 'config']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^Error: invalid project name "Bad Name"/);
});

test('warnings go to stderr, the model to stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-warn-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  s:\n    image: busybox:${NOPE}\n');
    const r = run(['compose', 'config'], { cwd: dir });
    assert.equal(r.code, 0);
    assert.match(r.stderr, /The "NOPE" variable is not set/);
    assert.match(r.stdout, /image: 'busybox:'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('config -o writes the model to a file instead of stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-output-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  s:\n    image: busybox\n');
    const r = run(['compose', 'config', '-o', 'out.yaml'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(readFileSync(join(dir, 'out.yaml'), 'utf8'), /^name: berth-output-\w+\nservices:\n {2}s:\n {4}image: busybox\n/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

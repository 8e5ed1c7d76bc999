// The Compose corpus: every directory under cases/ is a small project with its expected
// `compose config` output (expected.yaml / expected.json / expected.txt) or its expected one-line
// error (expected-error.txt). Optional files: `args` (the command line after `compose`, default
// `config`), `env` (the shell environment, KEY=VALUE lines), `stdin`, `cwd` (a subdirectory to run in). `@DIR@` in expectations
// stands for the case directory's absolute path, `@CASES@` for the cases directory's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerComposeCommands } from '../../src/cli/compose/index.js';
import { isBerthError } from '../../src/common/errors.js';

const casesDir = join(import.meta.dirname, 'cases');

function splitArgs(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

function readEnv(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!existsSync(file)) return env;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const i = line.indexOf('=');
    env[line.slice(0, i)] = line.slice(i + 1);
  }
  return env;
}

/** Runs `berth compose <args>` in-process with the case's cwd, env and stdin. */
export async function runCompose(dir: string, args: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const program = new Command('berth').exitOverride().configureOutput({ writeErr: (s) => (stderr += s), writeOut: (s) => (stdout += s) });
  registerComposeCommands(program, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    cwd: () => dir,
    env: () => ({ HOME: '/home/user', ...env }),
    stdin: () => readFileSync(join(dir, 'stdin'), 'utf8'),
  });
  try {
    await program.parseAsync(['compose', ...args], { from: 'user' });
    return { stdout, stderr, error: undefined as string | undefined };
  } catch (e) {
    if (e instanceof CommanderError) return { stdout, stderr, error: e.message };
    if (isBerthError(e)) return { stdout, stderr, error: e.message };
    throw e;
  }
}

const cases = readdirSync(casesDir).filter((n) => !n.startsWith('.')).sort();

test('the corpus has at least 150 cases, 40 of them malformed input', () => {
  assert.ok(cases.length >= 150, `only ${cases.length} cases`);
  const errors = cases.filter((c) => existsSync(join(casesDir, c, 'expected-error.txt')));
  assert.ok(errors.length >= 40, `only ${errors.length} error cases`);
});

for (const name of cases) {
  test(`compose case ${name}`, async () => {
    const dir = join(casesDir, name);
    const argsFile = join(dir, 'args');
    const args = splitArgs(existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim() : 'config');
    const env = readEnv(join(dir, 'env'));
    const cwdFile = join(dir, 'cwd');
    const cwd = existsSync(cwdFile) ? join(dir, readFileSync(cwdFile, 'utf8').trim()) : dir;
    const r = await runCompose(cwd, args, env);
    const fill = (s: string) => s.replaceAll('@DIR@', dir).replaceAll('@CASES@', casesDir);
    const errFile = join(dir, 'expected-error.txt');
    if (existsSync(errFile)) {
      assert.equal(r.error, fill(readFileSync(errFile, 'utf8').trimEnd()), 'expected an error');
      assert.ok(!(r.error ?? '').includes('\n'), 'errors are one line');
      return;
    }
    assert.equal(r.error, undefined, `unexpected error: ${r.error}`);
    const expected = ['expected.yaml', 'expected.json', 'expected.txt'].map((f) => join(dir, f)).find(existsSync);
    assert.ok(expected, 'case has no expectation file');
    assert.equal(r.stdout, fill(readFileSync(expected, 'utf8')));
  });
}

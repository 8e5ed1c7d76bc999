// Which binaries `--runtime auto` drives on this host: on a cgroup v1 hybrid host crun creates
// containers through berthd's wrapper, and runs every other command (start, exec, kill, delete)
// by itself, once the probe has shown that it can; start is berthd's own write to the exec fifo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseRuntime, findRuntimeBinary, isHybridCgroupHost } from '../../../src/engine/runtime/oci-runtime.js';

const crun = findRuntimeBinary('crun');

test('auto on a hybrid host: the wrapper creates, plain crun does the rest', { skip: !crun ? 'crun is not installed' : !isHybridCgroupHost() && 'not a cgroup v1 hybrid host' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-choice-'));
  try {
    const chosen = await chooseRuntime('auto', dir);
    assert.equal(chosen.name, 'crun');
    assert.equal(chosen.fifoStart, true, 'start releases the init through its exec fifo (crun 1.8 semantics, probed)');
    // Where crun works without the wrapper (a newer crun), no wrapper is used at all.
    if (chosen.binary === crun) return;
    assert.equal(chosen.binary, join(dir, 'crun-hybrid'));
    assert.equal(chosen.plainBinary, crun, 'plain crun drives containers the wrapper created');
    assert.match(chosen.note ?? '', /creates containers in a mount namespace/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the hybrid wrapper runs crun once, from a read-only mount in its own namespace, and leaves the host\'s mounts alone', { skip: !crun ? 'crun is not installed' : !isHybridCgroupHost() ? 'not a cgroup v1 hybrid host' : !existsSync('/usr/bin/strace') && 'strace is not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-wrapper-'));
  try {
    const chosen = await chooseRuntime('auto', dir);
    if (chosen.binary === crun) return; // no wrapper on this host
    // crun guards its binary before it looks at the command: plain crun re-executes itself from a
    // read-only copy (an execveat of a file descriptor); through the wrapper it must not.
    const trace = (argv: string[]) => spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve,execveat', '-e', 'signal=none', ...argv, '--root', dir, 'state', 'no-such-container'], { encoding: 'utf8' }).stderr;
    assert.match(trace([crun!]), /execveat\(/, 'plain crun re-executes itself (the cost the wrapper avoids)');
    const wrapped = trace([chosen.binary]);
    assert.match(wrapped, /no-such-container/, 'crun ran and answered');
    assert.equal(wrapped.split('\n').filter((l) => /execve(at)?\(/.test(l)).length, 2, `the wrapper, then crun, and nothing more:\n${wrapped}`);
    assert.ok(!readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === crun), 'the read-only mount stayed in the wrapper\'s namespace');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Which binaries `--runtime auto` drives on this host: on a cgroup v1 hybrid host crun creates
// containers through berthd's wrapper, and runs every other command (start, exec, kill, delete)
// by itself, once the probe has shown that it can; start is berthd's own write to the exec fifo.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
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

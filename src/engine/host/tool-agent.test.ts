import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toolAgent } from './tool-agent.js';
import { spawnTool } from '../network/exec.js';

const script = 'test "$(cat "$0")" = written || exit 9; cat > /dev/null; echo "to stderr" >&2; exit 3';

test('the tool helper writes the files asked for, feeds stdin, answers exit code and stderr; side by side', { skip: !toolAgent().available && 'no perl here' }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-agent-'));
  try {
    const files = Array.from({ length: 8 }, (_, i) => join(dir, `f${i}`));
    const runs = await Promise.all(files.map((f) => toolAgent().run(['sh', '-c', script, f], { writes: [[f, 'written']], input: 'x'.repeat(100_000) })));
    for (const r of runs) assert.deepEqual(r, { code: 3, stderr: 'to stderr\n' });
    assert.equal(await readFile(files[0]!, 'utf8'), 'written');
    // A long stderr keeps its end, where a runtime's last line says why it failed.
    const long = await toolAgent().run(['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo "line $i" >&2; i=$((i+1)); done; echo "the reason" >&2; exit 1'], {});
    assert.equal(long.code, 1);
    assert.ok(long.stderr.length <= 1500 && long.stderr.endsWith('line 299\nthe reason\n'), long.stderr.slice(-40));
    const missing = await toolAgent().run(['/nonexistent/tool'], {});
    assert.equal(missing.code, 127);
    assert.match(missing.stderr, /nonexistent/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without the helper the same call spawns the tool (a shell for the writes)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-agent-'));
  try {
    const f = join(dir, 'f');
    const r = await spawnTool(['sh', '-c', script, f], { writes: [[f, 'written']], input: 'x' });
    assert.deepEqual(r, { code: 3, stderr: 'to stderr\n' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

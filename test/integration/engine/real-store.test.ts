// The real assembly: openEngine with the image store of src/engine/images (overlayfs rootfs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEngine } from '../../../src/engine/engine.js';
import type { Engine } from '../../../src/engine/contract.js';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { cleanupEngine, spec, collectLogs, text } from './harness.js';

const root = mkdtempSync(join(tmpdir(), 'berth-eng-'));
let engine: Engine | undefined;
after(async () => { await engine?.shutdown(); await cleanupEngine(root); });

test('openEngine runs a container from an imported image and removes its rootfs', async () => {
  engine = await openEngine({ dataRoot: join(root, 'data'), execRoot: join(root, 'run'), runtime: 'auto', log: () => undefined });
  const img = await engine.images.import(createReadStream(makeBusyboxTar(join(root, 'bb.tar'))), { ref: 'busybox:latest', changes: ['CMD ["sh"]'] });
  const c = engine.containers;
  const { id } = await c.create(spec(['sh', '-c', 'echo hi > /f; cat /f; exit 4']));
  const { result } = await c.wait(id, 'next-exit');
  await c.start(id);
  assert.equal((await result).exitCode, 4);
  assert.equal(text(await collectLogs(c.logs(id, { follow: false, stdout: true, stderr: true, timestamps: false }))), 'hi\n');
  await assert.rejects(engine.images.remove('busybox:latest', { force: false, noPrune: false }), (e: Error & { kind?: string }) => e.kind === 'conflict');
  await c.remove(id, { force: false, volumes: false });
  const info = await engine.info();
  assert.equal(info.images, 1);
  assert.equal(info.containers.total, 0);
  assert.ok(['runc', 'crun'].includes(info.runtime));
  assert.equal(img.repoTags[0], 'busybox:latest');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveUser } from './user.js';

test('resolves names, numbers and groups against the rootfs files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'berth-user-'));
  try {
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n');
    writeFileSync(join(root, 'etc/group'), 'root:x:0:\napp:x:1000:\nwheel:x:10:app\nstaff:x:50:\n');
    assert.deepEqual(await resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [], home: '/root' });
    assert.deepEqual(await resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [10], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, 'app:staff'), { uid: 1000, gid: 50, additionalGids: [], home: '/home/app' });
    assert.deepEqual(await resolveUser(root, '4242:7', ['staff']), { uid: 4242, gid: 7, additionalGids: [50], home: '/' });
    await assert.rejects(resolveUser(root, 'ghost'), (e: Error & { kind?: string }) => e.kind === 'invalid_argument');
    await assert.rejects(resolveUser(root, 'app:ghosts'), (e: Error & { kind?: string }) => e.kind === 'invalid_argument');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

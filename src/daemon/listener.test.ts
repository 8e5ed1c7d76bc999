import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listen, prepareUnixSocket, socketAnswers } from './listener.js';

test('listening makes a 0660 socket and refuses a socket another server answers on', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-listen-'));
  const first = createServer();
  t.after(() => { first.close(); rmSync(dir, { recursive: true, force: true }); });
  const path = join(dir, 'd.sock');
  assert.equal(await listen(first, { kind: 'unix', path }), `unix://${path}`);
  assert.equal(statSync(path).mode & 0o777, 0o660);
  assert.ok(await socketAnswers(path));
  await assert.rejects(prepareUnixSocket(path), /another daemon is already listening/);
});

test('a stale socket file (nobody listening) is removed', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-listen-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'stale.sock');
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(path, r));
  // Closing a net server unlinks its socket; recreate a dead one as a plain file in its place.
  await new Promise<void>((r) => s.close(() => r()));
  writeFileSync(path, '');
  assert.equal(await socketAnswers(path), false);
  await prepareUnixSocket(path);
  assert.equal(existsSync(path), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerStore, RECORD_FILE } from './store.js';
import type { ContainerRecord } from '../types.js';

const record = (id: string) => ({ id, name: id, state: { status: 'exited' } }) as unknown as ContainerRecord;

test('a removed record never loads again, even when its files were not deleted yet (kill -9 mid-removal)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
  try {
    const store = new ContainerStore(dir);
    await store.init();
    for (const id of ['a', 'b']) mkdirSync(store.containerDir(id)); // as create makes them
    await store.save(record('a'));
    await store.save(record('b'));
    await store.remove('a');
    // What a berthd killed between remove()'s rename and its delete leaves behind.
    mkdirSync(join(dir, '.removing-c'));
    writeFileSync(join(dir, '.removing-c', RECORD_FILE), JSON.stringify(record('c')));
    const loaded = await new ContainerStore(dir).loadAll();
    assert.deepEqual(loaded.map((r) => r.id), ['b']);
    assert.equal(existsSync(join(dir, '.removing-c')), false, 'the leftover is cleared at load');
    assert.deepEqual(readdirSync(dir).filter((n) => n !== '.removing-a'), ['b']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saves land in call order, and a save after the removal does not bring the container back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
  try {
    const store = new ContainerStore(dir);
    await store.init();
    mkdirSync(store.containerDir('a'));
    const states = ['running', 'exited', 'removing'];
    await Promise.all(states.map((status) => store.save({ ...record('a'), state: { status } } as unknown as ContainerRecord)));
    const [loaded] = await new ContainerStore(dir).loadAll();
    assert.equal(loaded.state.status, 'removing');
    await store.remove('a');
    await assert.rejects(store.save(record('a')), /No such container: a/);
    assert.deepEqual(await new ContainerStore(dir).loadAll(), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { walkServices } from './walk.js';
import { observedOf, projectFrom } from './test-project.js';

const P = projectFrom('services:\n  web: {image: busybox, depends_on: [db]}\n  db: {image: busybox}\n  other: {image: busybox}\n');
const all = [observedOf(P, 'db', 1), observedOf(P, 'web', 1), observedOf(P, 'web', 2), observedOf(P, 'other', 1)];

async function trace(reverse: boolean): Promise<string[]> {
  const events: string[] = [];
  await walkServices(P, all, reverse, async (c) => {
    events.push(`start ${c.name}`);
    await new Promise((r) => setTimeout(r, c.service === 'other' ? 30 : 5));
    events.push(`end ${c.name}`);
  });
  return events;
}

test('reverse walks finish dependents before their dependencies; unrelated services run alongside', async () => {
  const ev = await trace(true);
  assert.ok(ev.indexOf('end demo-web-1') < ev.indexOf('start demo-db-1'));
  assert.ok(ev.indexOf('end demo-web-2') < ev.indexOf('start demo-db-1'));
  assert.ok(ev.indexOf('start demo-other-1') < ev.indexOf('end demo-web-1'), 'other does not wait');
  assert.equal(ev.length, 8);
});

test('forward walks finish dependencies first; a failure is reported once everything settled', async () => {
  const ev = await trace(false);
  assert.ok(ev.indexOf('end demo-db-1') < ev.indexOf('start demo-web-1'));
  await assert.rejects(walkServices(P, all, false, async (c) => { if (c.service === 'db') throw new Error('db broke'); }), /db broke/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from './bus.js';

async function take(it: AsyncIterable<{ action: string }>, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const e of it) { out.push(e.action); if (out.length === n) break; }
  return out;
}

test('timeNano strictly increases, even within one millisecond', () => {
  const bus = new EventBus();
  const a = bus.publish('container', 'create', 'x');
  const b = bus.publish('container', 'start', 'x');
  assert.ok(b.timeNano > a.timeNano);
});

test('since replays the past once, then live events follow without duplicates', async () => {
  const bus = new EventBus();
  const first = bus.publish('container', 'create', 'x');
  bus.publish('container', 'start', 'x');
  const ac = new AbortController();
  const it = bus.subscribe({ since: first.timeNano, signal: ac.signal });
  const got = take(it, 3);
  setImmediate(() => bus.publish('container', 'die', 'x'));
  assert.deepEqual(await got, ['create', 'start', 'die']);
  ac.abort();
});

test('until in the past ends the stream after the replay; the history is bounded', async () => {
  const bus = new EventBus(2);
  const a = bus.publish('image', 'tag', 'i');
  bus.publish('image', 'untag', 'i');
  const c = bus.publish('image', 'delete', 'i');
  const out: string[] = [];
  for await (const e of bus.subscribe({ since: a.timeNano, until: c.timeNano, signal: new AbortController().signal })) out.push(e.action);
  assert.deepEqual(out, ['untag', 'delete']);
});

test('on() listeners see every event; a throwing listener does not stop the publisher', () => {
  const bus = new EventBus();
  const seen: string[] = [];
  bus.on(() => { throw new Error('boom'); });
  const off = bus.on((e) => seen.push(e.action));
  bus.publish('volume', 'create', 'v');
  off();
  bus.publish('volume', 'destroy', 'v');
  assert.deepEqual(seen, ['create']);
});

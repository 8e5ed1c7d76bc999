import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prefixer, shortName, splitLines } from './logs.js';

test('log prefixes are padded to the longest name plus one, then " | ", as Compose prints them', () => {
  const p = prefixer(['db-1', 'web-1']);
  assert.equal(p('db-1'), 'db-1   | ');
  assert.equal(p('web-1'), 'web-1  | ');
  assert.equal(shortName('demo', 'demo-web-1'), 'web-1');
  assert.equal(shortName('demo', 'fixed-name'), 'fixed-name');
});

test('chunks become whole lines per stream; a partial line waits for its end, the last one is flushed', async () => {
  async function* chunks() {
    yield { stream: 'stdout' as const, data: Buffer.from('one\ntw') };
    yield { stream: 'stderr' as const, data: Buffer.from('err\r\n') };
    yield { stream: 'stdout' as const, data: Buffer.from('o\nthree') };
  }
  const out: string[] = [];
  for await (const l of splitLines(chunks())) out.push(`${l.stream}:${l.text}`);
  assert.deepEqual(out, ['stdout:one', 'stderr:err', 'stdout:two', 'stdout:three']);
});

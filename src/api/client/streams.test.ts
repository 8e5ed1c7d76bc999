import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { demux, frameHeader, jsonLines } from './streams.js';

test('demux splits frames that arrive cut across chunks', async () => {
  const whole = Buffer.concat([frameHeader(1, 3), Buffer.from('out'), frameHeader(2, 4), Buffer.from('err\n')]);
  const chunks = [whole.subarray(0, 5), whole.subarray(5, 12), whole.subarray(12)];
  const frames = [];
  for await (const f of demux(Readable.from(chunks))) frames.push([f.stream, f.data.toString()]);
  assert.deepEqual(frames, [[1, 'out'], [2, 'err\n']]);
});

test('jsonLines yields each value of a newline-separated stream', async () => {
  const values = [];
  for await (const v of jsonLines(Readable.from(['{"a":1}\n{"a"', ':2}\n\n{"a":3}']))) values.push(v);
  assert.deepEqual(values, [{ a: 1 }, { a: 2 }, { a: 3 }]);
});

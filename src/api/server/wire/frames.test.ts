import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, STDERR, STDOUT } from './frames.js';

test('a frame is an 8-byte header [stream,0,0,0,size BE] then the payload', () => {
  const f = encodeFrame(STDERR, Buffer.from('hello'));
  assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 5]);
  assert.equal(f.subarray(8).toString(), 'hello');
});

test('sizes above 255 use all four big-endian bytes', () => {
  const f = encodeFrame(STDOUT, Buffer.alloc(0x10203));
  assert.deepEqual([...f.subarray(4, 8)], [0, 1, 2, 3]);
});

test('the decoder reassembles frames split across chunks', () => {
  const wire = Buffer.concat([encodeFrame(STDOUT, Buffer.from('abc')), encodeFrame(STDERR, Buffer.from('de'))]);
  const d = new FrameDecoder();
  const got = [];
  for (let i = 0; i < wire.length; i += 3) got.push(...d.push(wire.subarray(i, i + 3)));
  assert.deepEqual(got.map((f) => [f.stream, f.payload.toString()]), [[1, 'abc'], [2, 'de']]);
  assert.equal(d.buffered, 0);
});

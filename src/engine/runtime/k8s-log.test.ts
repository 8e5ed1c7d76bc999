import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLogRecord, LineAssembler, readLog } from './k8s-log.js';

test('parses a k8s-file record, including an empty full line', () => {
  assert.deepEqual(parseLogRecord(Buffer.from('2026-01-01T00:00:00.123456789+00:00 stderr F a b ')), {
    time: '2026-01-01T00:00:00.123456789+00:00', stream: 'stderr', partial: false, data: Buffer.from('a b '),
  });
  const empty = parseLogRecord(Buffer.from('2026-01-01T00:00:00Z stdout F'));
  assert.equal(empty?.data.length, 0);
  assert.equal(parseLogRecord(Buffer.from('garbage')), undefined);
});

test('partial records are joined per stream into one line', () => {
  const a = new LineAssembler();
  const rec = (stream: 'stdout' | 'stderr', partial: boolean, data: string) => ({ time: 't', stream, partial, data: Buffer.from(data) });
  assert.equal(a.push(rec('stdout', true, 'hel')), undefined);
  assert.equal(a.push(rec('stderr', false, 'err'))?.data.toString(), 'err\n');
  assert.equal(a.push(rec('stdout', false, 'lo'))?.data.toString(), 'hello\n');
  a.push(rec('stdout', true, 'tail'));
  assert.deepEqual(a.flush().map((l) => l.data.toString()), ['tail']);
});

test('readLog yields whole lines, or raw chunks for attach', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const file = join(dir, 'log');
    writeFileSync(file, 'T1 stdout P ab\nT2 stdout F c\nT3 stderr F e\n');
    const lines: string[] = [];
    for await (const l of readLog(file, { follow: false })) lines.push(`${l.stream}:${l.data.toString()}`);
    assert.deepEqual(lines, ['stdout:abc\n', 'stderr:e\n']);
    const raw: string[] = [];
    for await (const l of readLog(file, { follow: false, raw: true })) raw.push(l.data.toString());
    assert.deepEqual(raw, ['ab', 'c\n', 'e\n']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a follower finishes a rotated file, then reads the new one', async () => {
  const { appendFileSync, renameSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'berth-log-'));
  try {
    const file = join(dir, 'log');
    writeFileSync(file, 'T1 stdout F a\n');
    let over = false;
    const got: string[] = [];
    const reader = (async () => {
      for await (const l of readLog(file, { follow: true, isOver: () => over })) {
        got.push(l.data.toString());
        if (got.length === 1) {
          appendFileSync(file, 'T2 stdout F b\n');
          renameSync(file, `${file}.1`);
          writeFileSync(file, 'T3 stdout F c\n');
          over = true;
        }
      }
    })();
    await reader;
    assert.deepEqual(got, ['a\n', 'b\n', 'c\n']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Template } from './template.js';
import { humanSize, bytesSize, humanDuration, parseBytes, parseGoDuration } from './units.js';
import { renderList } from './format.js';

test('templates read fields, index maps, print Go values and run json/join', () => {
  const data = { ID: 'abc', Config: { Env: ['A=1', 'B=2'], Labels: { k: 'v' } }, Names: ['x', 'y'], N: null };
  assert.equal(new Template('{{.ID}} {{.Config.Env}}').execute(data), 'abc [A=1 B=2]');
  assert.equal(new Template('{{index .Config.Labels "k"}}|{{json .Config.Labels}}').execute(data), 'v|{"k":"v"}');
  assert.equal(new Template('{{join .Names ","}} {{.Config.Labels}}').execute(data), 'x,y map[k:v]');
  assert.equal(new Template('{{range .Names}}<{{.}}>{{end}}').execute(data), '<x><y>');
  assert.equal(new Template('{{if .N}}yes{{else if .ID}}id{{else}}no{{end}}').execute(data), 'id');
  assert.equal(new Template('{{.ID | upper}} {{printf "%s-%d" .ID 3}}').execute(data), 'ABC abc-3');
  assert.throws(() => new Template('{{.Nope}}').execute(data), /can't evaluate field Nope/);
  assert.equal(new Template('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}').execute(data), 'k=v;');
  assert.equal(new Template('{{range $i, $n := .Names}}{{$i}}:{{$n}} {{end}}').execute(data), '0:x 1:y ');
});

test('sizes and durations read like the docker CLI', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(1_990_000), '1.99MB');
  assert.equal(humanSize(4_256_000), '4.26MB');
  assert.equal(humanSize(1200), '1.2kB');
  assert.equal(bytesSize(1_446_000), '1.379MiB');
  assert.equal(humanDuration(300), 'Less than a second');
  assert.equal(humanDuration(3_000), '3 seconds');
  assert.equal(humanDuration(65_000), 'About a minute');
  assert.equal(humanDuration(2 * 3600_000), '2 hours');
  assert.equal(parseBytes('512m'), 512 * 1024 * 1024);
  assert.equal(parseGoDuration('1m30s'), 90e9);
});

test('table format aligns columns with docker tabwriter widths', () => {
  const out = renderList([{ ID: 'abc', Name: 'first' }, { ID: 'abcdefghijklmn', Name: 'x' }], undefined, {
    defaultTable: 'table {{.ID}}\\t{{.Name}}', headers: { ID: 'CONTAINER ID', Name: 'NAMES' },
  });
  assert.equal(out, 'CONTAINER ID     NAMES\nabc              first\nabcdefghijklmn   x\n');
  assert.equal(renderList([{ ID: 'a' }], '{{.ID}}', { defaultTable: '', headers: {} }), 'a\n');
  assert.equal(renderList([{ ID: 'a' }], 'json', { defaultTable: '', headers: {} }), '{"ID":"a"}\n');
});

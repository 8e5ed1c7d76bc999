// The endpoint table in docs/api.md is the contract with users: every route berthd serves is in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildRouter } from './routes.js';

const doc = readFileSync(resolve(import.meta.dirname, '../../../docs/api.md'), 'utf8');

test('every served route is documented in docs/api.md with its method', () => {
  const rows = doc.split('\n').filter((l) => l.startsWith('| '));
  const missing: string[] = [];
  for (const r of buildRouter().list()) {
    const path = r.pattern.replace(/:([A-Za-z_]+)\*?/g, '{$1}');
    const row = rows.find((l) => l.includes(`\`${path}\``) && l.split('|')[1].includes(r.method));
    if (!row) missing.push(`${r.method} ${path}`);
  }
  assert.deepEqual(missing, []);
});

test('routes match image names with slashes and tags', () => {
  const m = buildRouter().match('GET', '/images/library/busybox:latest/json');
  assert.deepEqual(m?.params, { name: 'library/busybox:latest' });
  assert.equal(buildRouter().match('GET', '/images/json')?.params.name, undefined);
  assert.deepEqual(buildRouter().match('DELETE', '/images/reg.io:5000/a/b:v1')?.params, { name: 'reg.io:5000/a/b:v1' });
  assert.equal(buildRouter().match('PATCH', '/containers/x/json'), null);
});

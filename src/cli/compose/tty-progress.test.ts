import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ttyProgress } from './tty-progress.js';
import { colorPrefixer } from './log-colors.js';

// What a terminal would show: apply cursor-up and line-clear codes to a screen of lines.
function screen(out: string): string[] {
  const rows: string[] = [];
  let row = 0;
  for (const part of out.split(/(\x1b\[\d*A|\x1b\[2K|\x1b\[J|\n)/)) {
    const up = /^\x1b\[(\d*)A$/.exec(part);
    if (up) row -= Number(up[1] || 1);
    else if (part === '\x1b[2K') rows[row] = '';
    else if (part === '\x1b[J') rows.length = row;
    else if (part === '\n') row++;
    else if (part) rows[row] = (rows[row] ?? '') + part;
  }
  return rows.map((r) => r.replace(/\x1b\[[0-9;]*m/g, '').trimEnd());
}

test('the TTY block redraws each resource in place: spinner while working, ✔ and the time when done', () => {
  let out = '';
  let t = 0;
  const p = ttyProgress((s) => { out += s; }, () => 60, () => t);
  p.event({ resource: 'Network', name: 'demo_default', status: 'Creating' });
  t = 100;
  p.event({ resource: 'Network', name: 'demo_default', status: 'Created' });
  p.event({ resource: 'Container', name: 'demo-web-1', status: 'Creating' });
  t = 1300;
  assert.match(screen(out)[2], /^ ⠋ Container demo-web-1 +Creating +0\.0s$/);
  p.event({ resource: 'Container', name: 'demo-web-1', status: 'Started' });
  p.warn('careful');
  p.close();
  const rows = screen(out);
  assert.deepEqual(rows.map((r) => r.replace(/ +/g, ' ')), [
    'WARN[0000] careful',
    '[+] Running 2/2',
    ' ✔ Network demo_default Created 0.1s',
    ' ✔ Container demo-web-1 Started 1.2s',
  ]);
  assert.equal(rows[3].length, 59, 'the time sits at the right edge');
  assert.match(out, /\x1b\[32m✔\x1b\[0m/);
  // After close a new block starts below the old one.
  p.event({ resource: 'Container', name: 'demo-web-1', status: 'Stopping' });
  assert.equal(screen(out).length, 6);
});

test('an error shows a red ✘', () => {
  let out = '';
  const p = ttyProgress((s) => { out += s; }, () => 80);
  p.event({ resource: 'Container', name: 'x-1', status: 'Error' });
  p.close();
  assert.match(out, /\x1b\[31m✘\x1b\[0m Container x-1 {2}Error/);
});

test('log prefixes are coloured per container in Compose\'s palette order, or left plain', () => {
  const c = colorPrefixer(['web-1', 'db-1'], true);
  assert.equal(c('web-1'), '\x1b[36mweb-1  | \x1b[0m');
  assert.equal(c('db-1'), '\x1b[33mdb-1   | \x1b[0m');
  assert.equal(colorPrefixer(['web-1'], false)('web-1'), 'web-1  | ');
});

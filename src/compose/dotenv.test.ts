import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDotenv, DotenvSyntaxError } from './dotenv.js';

test('plain values, export prefix, comments and spaces', () => {
  const out = parseDotenv('# comment\nexport A=1\nB = two words   # trailing\n  C=3\nD=a#b\n\nE=\n');
  assert.deepEqual(out, { A: '1', B: 'two words', C: '3', D: 'a#b', E: '' });
});

test('single quotes are literal, double quotes expand escapes and variables', () => {
  const out = parseDotenv(`NAME=world\nS='hi \${NAME}\\n'\nD="hi \${NAME}\\n\\t\\"q\\" \\$NAME"\n`);
  assert.equal(out.S, 'hi ${NAME}\\n');
  assert.equal(out.D, 'hi world\n\t"q" $NAME');
});

test('double-quoted values may span lines', () => {
  assert.deepEqual(parseDotenv('M="line1\nline2"\nN=after\n'), { M: 'line1\nline2', N: 'after' });
});

test('variables refer to the lookup first, then to earlier keys', () => {
  const out = parseDotenv('A=file\nB=${A}-${SHELL_ONLY}\n', (k) => ({ A: 'shell', SHELL_ONLY: 's' })[k]);
  assert.equal(out.B, 'shell-s');
  assert.equal(parseDotenv('A=1\nB=${A}2\n').B, '12');
});

test('a key without value inherits from the lookup, or is absent', () => {
  assert.deepEqual(parseDotenv('INHERIT\nMISSING\n', (k) => (k === 'INHERIT' ? 'x' : undefined)), { INHERIT: 'x' });
});

test('colon works as a separator and a BOM is skipped', () => {
  assert.deepEqual(parseDotenv('\uFEFFA: 1\n'), { A: '1' });
});

test('syntax errors carry the line', () => {
  assert.throws(() => parseDotenv('OK=1\nBAD KEY=2\n'), (e: unknown) => e instanceof DotenvSyntaxError && e.line === 2);
  assert.throws(() => parseDotenv('A="open\n'), (e: unknown) => e instanceof DotenvSyntaxError && /unterminated/.test(e.message));
  assert.throws(() => parseDotenv('A$B=1\n'), /unexpected character "\$"/);
});

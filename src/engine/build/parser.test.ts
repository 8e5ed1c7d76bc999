import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile, parseKeyValues, splitWords } from './parser.js';

test('directives, comments, continuations and line numbers', () => {
  const df = parseDockerfile('# syntax=docker/dockerfile:1\n# escape=`\n\nFROM busybox\n# a comment\nRUN echo a `\n  # inside\n  b\nCOPY ["a b", "/c/"]\n');
  assert.equal(df.escape, '`');
  assert.equal(df.syntax, 'docker/dockerfile:1');
  assert.deepEqual(df.instructions.map((i) => [i.cmd, i.line]), [['from', 4], ['run', 6], ['copy', 9]]);
  assert.equal(df.instructions[1].args, 'echo a   b');
  assert.deepEqual(df.instructions[2].json, ['a b', '/c/']);
});

test('a directive after an instruction is a comment; flags and shell vs exec forms', () => {
  const df = parseDockerfile('FROM x\n# escape=`\nCOPY --from=build --chown=1:2 a /b\nCMD echo [x]\nENTRYPOINT ["a", "b"]\n');
  assert.equal(df.escape, '\\');
  const copy = df.instructions[1];
  assert.deepEqual(copy.flags, [{ name: 'from', value: 'build' }, { name: 'chown', value: '1:2' }]);
  assert.equal(copy.args, 'a /b');
  assert.equal(df.instructions[2].json, undefined);
  assert.deepEqual(df.instructions[3].json, ['a', 'b']);
});

test('heredocs: body until the delimiter, <<- strips tabs, quoted delimiters do not expand', () => {
  const df = parseDockerfile('FROM x\nRUN <<EOF\necho one\necho two\nEOF\nCOPY <<-"END" /f\n\thello $X\n\tEND\nRUN echo after\n');
  const [, run, copy, after] = df.instructions;
  assert.equal(run.heredocs[0].content, 'echo one\necho two\n');
  assert.equal(run.heredocs[0].expand, true);
  assert.equal(copy.heredocs[0].content, 'hello $X\n');
  assert.equal(copy.heredocs[0].expand, false);
  assert.equal(after.line, 9);
  assert.throws(() => parseDockerfile('FROM x\nRUN <<EOF\nno end\n'), /Dockerfile:2: unterminated heredoc EOF/);
});

test('ENV/LABEL pairs and the legacy form; quoted words stay whole', () => {
  const [, env, legacy, label] = parseDockerfile('FROM x\nENV A=1 B="two words" C=3\nENV D some value\nLABEL "a.b"=c\n').instructions;
  assert.deepEqual(parseKeyValues(env, '\\', 'Dockerfile', true), [{ key: 'A', value: '1' }, { key: 'B', value: '"two words"' }, { key: 'C', value: '3' }]);
  assert.deepEqual(parseKeyValues(legacy, '\\', 'Dockerfile', true), [{ key: 'D', value: 'some value' }]);
  assert.deepEqual(parseKeyValues(label, '\\', 'Dockerfile', true), [{ key: '"a.b"', value: 'c' }]);
  assert.deepEqual(splitWords('a "b c" d\\ e', '\\'), ['a', '"b c"', 'd\\ e']);
});

test('an empty line inside a continuation is noted for Docker\'s warning; a comment line is not', () => {
  const df = parseDockerfile('FROM x\nRUN echo a \\\n\n  && echo b\nLABEL a=b \\\n  # note\n  c=d\n');
  assert.deepEqual(df.emptyContinuations, ['RUN echo a   && echo b']);
  assert.equal(df.instructions[1].args, 'echo a   && echo b');
});

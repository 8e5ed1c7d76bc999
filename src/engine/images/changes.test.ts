import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../../common/errors.js';
import { applyChanges, shellWords } from './changes.js';

test('CMD and ENTRYPOINT take JSON or shell form; ENTRYPOINT resets an inherited CMD', () => {
  assert.deepEqual(applyChanges({}, ['CMD ["sh", "-c", "echo"]']).Cmd, ['sh', '-c', 'echo']);
  assert.deepEqual(applyChanges({}, ['cmd echo hi there']).Cmd, ['/bin/sh', '-c', 'echo hi there']);
  assert.deepEqual(applyChanges({}, ['CMD [not json']).Cmd, ['/bin/sh', '-c', '[not json']);
  const c = applyChanges({ Cmd: ['old'] }, ['ENTRYPOINT ["/init"]']);
  assert.deepEqual(c.Entrypoint, ['/init']);
  assert.equal(c.Cmd, null);
});

test('ENV replaces keys, expands earlier values and keeps quoting', () => {
  const c = applyChanges({ Env: ['PATH=/bin', 'A=1'] }, ['ENV PATH=/usr/local/bin:$PATH', 'ENV LEGACY value with spaces', 'ENV Q="a b" R=${A:-x}y S=${NOPE:-dflt} T=\\$HOME']);
  assert.deepEqual(c.Env, ['A=1', 'PATH=/usr/local/bin:/bin', 'LEGACY=value with spaces', 'Q=a b', 'R=1y', 'S=dflt', 'T=$HOME']);
});

test('WORKDIR, USER, EXPOSE, VOLUME, LABEL, STOPSIGNAL', () => {
  const c = applyChanges({}, ['WORKDIR /a', 'WORKDIR b/../c', 'USER 1000:1000', 'EXPOSE 8080/UDP 9000-9001', 'VOLUME /v1 /v2', 'LABEL a=b c="d e"', 'STOPSIGNAL 9']);
  assert.equal(c.WorkingDir, '/a/c');
  assert.equal(c.User, '1000:1000');
  assert.deepEqual(c.ExposedPorts, { '8080/udp': {}, '9000-9001/tcp': {} });
  assert.deepEqual(c.Volumes, { '/v1': {}, '/v2': {} });
  assert.deepEqual(c.Labels, { a: 'b', c: 'd e' });
  assert.equal(c.StopSignal, '9');
});

test('unknown or malformed changes are refused with one clear line', () => {
  const bad: [string, string][] = [
    ['RUN echo', 'RUN is not a valid change command'],
    ['FROM scratch', 'FROM is not a valid change command'],
    ['EXPOSE abc', 'invalid containerPort: abc'],
    ['WORKDIR', 'WORKDIR requires exactly one argument'],
    ['ENV', 'ENV requires at least one argument'],
    ['LABEL =x', 'LABEL names can not be blank'],
  ];
  for (const [line, msg] of bad) assert.throws(() => applyChanges({}, [line]), (e) => isBerthError(e, 'invalid_argument') && e.message === msg, line);
  assert.throws(() => shellWords('"open'), /unterminated quote/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asRuncWords } from './conmon.js';

test('crun\'s exec failures read as runc\'s (the docker CLI picks 127/126 from these words)', () => {
  assert.equal(asRuncWords('executable file `nonexistent` not found in $PATH: No such file or directory'),
    'unable to start container process: exec: "nonexistent": executable file not found in $PATH');
  assert.equal(asRuncWords('executable file `/nonexistent` not found in $PATH: No such file or directory'),
    'unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory');
  assert.equal(asRuncWords('open executable: Permission denied', '/etc/passwd'), 'unable to start container process: exec: "/etc/passwd": permission denied');
  assert.equal(asRuncWords('open executable: Operation not permitted', '/etc'), 'unable to start container process: exec: "/etc": permission denied');
  assert.equal(asRuncWords('some other failure'), 'some other failure');
});

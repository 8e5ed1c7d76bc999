import { test } from 'node:test';
import assert from 'node:assert/strict';
import { projectFrom } from './test-project.js';
import { projectWatchRules } from './watch-rules.js';

const yaml = (watch: string, build = '    build: .\n') => `services:\n  web:\n    image: x\n${build}    develop:\n      watch:\n${watch}  db:\n    image: y\n`;

test('develop.watch rules: paths from the project directory, targets, ignores (editors\' files always), exec commands', () => {
  const p = projectFrom(yaml(`        - {action: sync, path: ./src, target: /app, ignore: [node_modules/]}
        - {action: sync+exec, path: ./cfg, target: /cfg, exec: {command: reload now}}
        - {action: rebuild, path: package.json}
`));
  const rules = projectWatchRules(p, []);
  assert.deepEqual(rules.map((r) => [r.service, r.action, r.path, r.target]), [
    ['web', 'sync', `${p.workingDir}/src`, '/app'],
    ['web', 'sync+exec', `${p.workingDir}/cfg`, '/cfg'],
    ['web', 'rebuild', `${p.workingDir}/package.json`, undefined],
  ]);
  assert.equal(rules[0].ignore.ignores('node_modules/x/y.js'), true);
  assert.equal(rules[0].ignore.ignores('lib/.main.js.swp'), true);
  assert.equal(rules[0].ignore.ignores('lib/main.js'), false);
  assert.deepEqual(rules[1].exec?.command, ['/bin/sh', '-c', 'reload now']);
});

test('develop.watch refusals name the service and the rule', () => {
  const refused = (watch: string, re: RegExp, build?: string) => assert.throws(() => projectWatchRules(projectFrom(yaml(watch, build)), []), re);
  refused('        - {action: copy, path: ./src, target: /app}\n', /service "web": develop.watch\[0\] has an invalid action "copy"/);
  refused('        - {action: sync, path: ./src}\n', /develop.watch\[0\] \(sync\) needs an absolute target/);
  refused('        - {action: rebuild, path: ./src}\n', /service "web" has no build section/, '');
  assert.throws(() => projectWatchRules(projectFrom('services:\n  db:\n    image: y\n'), []), /none of the selected services is configured for watch/);
  assert.throws(() => projectWatchRules(projectFrom(yaml('        - {action: rebuild, path: .}\n')), ['db']), /none of the selected services/);
});

// `berth compose build`, and `up` building what it needs (--build, --no-build), on a real berthd.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBuildFixture, type BuildFixture } from './fixture.js';

const skip = process.getuid?.() !== 0 ? 'build tests need root' : undefined;
let fx: BuildFixture;

before(async () => { if (!skip) fx = await startBuildFixture(); });
after(async () => { await fx?.stop(); });

test('compose: up builds missing images (<project>-<service> or image:), build reuses the cache, --no-build refuses a missing image', { skip }, async () => {
  const dir = fx.context({
    'compose.yaml': [
      'name: cb',
      'services:',
      '  app:',
      '    build: ./app',
      '    command: ["sh", "-c", "cat /msg; sleep 60"]',
      '  tool:',
      '    image: cb-tool:dev',
      '    build:',
      '      context: ./tool',
      '      dockerfile: Tool.Dockerfile',
      '      args: {WHAT: tool}',
      '      target: final',
      '    command: ["sh", "-c", "cat /what; sleep 60"]',
    ].join('\n'),
    'app/Dockerfile': 'FROM busybox\nRUN echo app > /msg\n',
    'tool/Tool.Dockerfile': 'FROM busybox AS base\nARG WHAT\nRUN echo "$WHAT" > /what\nFROM base AS final\nLABEL stage=final\n',
  });
  const compose = (args: string[]) => fx.berth(['compose', '--project-directory', dir, '-f', `${dir}/compose.yaml`, ...args]);
  const up = await compose(['up', '-d']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /Successfully tagged cb-app:latest/);
  assert.match(up.stdout, /Successfully tagged cb-tool:dev/);
  assert.equal(await fx.run('cb-app', ['cat', '/msg']), 'app\n');
  assert.equal(await fx.run('cb-tool:dev', ['cat', '/what']), 'tool\n');
  assert.equal(((await fx.inspect('cb-tool:dev')).Config.Labels as Record<string, string>).stage, 'final');

  const again = await compose(['up', '-d']);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stdout, /Step 1/, 'present images are not rebuilt');

  const build = await compose(['build', 'app']);
  assert.equal(build.code, 0, build.stderr);
  assert.match(build.stdout, /Using cache/);
  assert.doesNotMatch(build.stdout, /cb-tool/);

  assert.equal((await compose(['down'])).code, 0);
  assert.equal((await fx.berth(['rmi', 'cb-app'])).code, 0);
  const noBuild = await compose(['up', '-d', '--no-build']);
  assert.notEqual(noBuild.code, 0);
  assert.match(noBuild.stderr, /image cb-app not found/);
  await compose(['down']);
});

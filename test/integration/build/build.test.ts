// The classic builder end to end on a real berthd: every instruction, the layer cache's rules,
// multi-stage builds, .dockerignore, build args and errors with Dockerfile line numbers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBuildFixture, type BuildFixture } from './fixture.js';

const skip = process.getuid?.() !== 0 ? 'build tests need root' : undefined;
let fx: BuildFixture;

before(async () => { if (!skip) fx = await startBuildFixture(); });
after(async () => { await fx?.stop(); });

test('every instruction: the config Docker would write and the files in place', { skip }, async () => {
  const dir = fx.context({
    'app/a.txt': 'alpha\n',
    'app/sub/b.txt': 'beta\n',
    Dockerfile: [
      'ARG BASE=busybox',
      'FROM $BASE',
      'LABEL org.example.name="the app" version=1',
      'MAINTAINER someone@example.com',
      'ENV GREETING=hello NAME=world',
      'ENV MESSAGE="${GREETING} ${NAME}"',
      'ARG MODE=dev',
      'WORKDIR /srv',
      'WORKDIR app',
      'COPY --chown=65534:65534 --chmod=640 app/a.txt ./',
      'COPY app/ /data/',
      'ADD files.tar /unpacked/',
      'RUN echo "$MESSAGE $MODE" > /srv/app/run.txt',
      'RUN ["/bin/sh", "-c", "echo exec > /srv/app/exec.txt"]',
      'RUN <<EOF',
      'echo heredoc > /srv/app/heredoc.txt',
      'EOF',
      'COPY <<EOT /srv/app/inline.txt',
      'inline $GREETING',
      'EOT',
      'SHELL ["/bin/sh", "-e", "-c"]',
      'RUN echo shell-ok > /srv/app/shell.txt',
      'EXPOSE 8080 9000-9001/udp',
      'VOLUME /var/data',
      'USER nobody',
      'STOPSIGNAL SIGQUIT',
      'HEALTHCHECK --interval=5s --timeout=2s --retries=3 CMD wget -q -O- http://localhost:8080/ || exit 1',
      'ONBUILD RUN echo child',
      'ENTRYPOINT ["/bin/sh", "-c"]',
      'CMD ["cat /srv/app/run.txt"]',
    ].join('\n'),
  });
  mkdirSync(join(fx.work, 'tarsrc/inner'), { recursive: true });
  writeFileSync(join(fx.work, 'tarsrc/inner/t.txt'), 'from tar\n');
  execFileSync('tar', ['-C', join(fx.work, 'tarsrc'), '-czf', join(dir, 'files.tar'), 'inner']);

  const out = await fx.build(dir, ['-t', 'every:1', '--build-arg', 'MODE=prod']);
  assert.match(out, /Step 1\/26 : ARG BASE=busybox/);
  assert.match(out, /Successfully tagged every:1/);
  const img = await fx.inspect('every:1');
  const c = img.Config;
  assert.deepEqual(c.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GREETING=hello', 'NAME=world', 'MESSAGE=hello world']);
  assert.deepEqual(c.Labels, { 'org.example.name': 'the app', version: '1' });
  assert.equal(img.Author, 'someone@example.com');
  assert.equal(c.WorkingDir, '/srv/app');
  assert.equal(c.User, 'nobody');
  assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '9000/udp': {}, '9001/udp': {} });
  assert.deepEqual(c.Volumes, { '/var/data': {} });
  assert.equal(c.StopSignal, 'SIGQUIT');
  assert.deepEqual(c.Healthcheck, { Test: ['CMD-SHELL', 'wget -q -O- http://localhost:8080/ || exit 1'], Interval: 5e9, Timeout: 2e9, Retries: 3 });
  assert.deepEqual(c.OnBuild, ['RUN echo child']);
  assert.deepEqual(c.Shell, ['/bin/sh', '-e', '-c']);
  assert.deepEqual(c.Entrypoint, ['/bin/sh', '-c']);
  assert.deepEqual(c.Cmd, ['cat /srv/app/run.txt']);

  const files = await fx.run('every:1', [
    'for f in run exec heredoc inline shell; do cat /srv/app/$f.txt; done; stat -c "%u:%g %a" /srv/app/a.txt; cat /data/a.txt /data/sub/b.txt /unpacked/inner/t.txt; id -u',
  ]);
  assert.equal(files, 'hello world prod\nexec\nheredoc\ninline hello\nshell-ok\n65534:65534 640\nalpha\nbeta\nfrom tar\n65534\n');

  // ONBUILD triggers run in a child build.
  const child = fx.context({ Dockerfile: 'FROM every:1\nUSER root\nRUN test -f /srv/app/run.txt\n' });
  const cout = await fx.build(child, ['-t', 'every-child']);
  assert.match(cout, /# Executing 1 build trigger\n/);
  assert.match(cout, /child\n/);
  assert.equal((await fx.inspect('every-child')).Config.OnBuild ?? null, null);
});

test('layer cache: a rebuild with no change reuses every step and creates nothing; a changed file invalidates its COPY and what follows', { skip }, async () => {
  const dir = fx.context({
    'one.txt': '1\n',
    'two.txt': '2\n',
    Dockerfile: 'FROM busybox\nCOPY one.txt /one.txt\nRUN echo ran > /ran\nCOPY two.txt /two.txt\nRUN cat /one.txt /two.txt > /both\nCMD ["cat", "/both"]\n',
  });
  const since = Math.floor(Date.now() / 1000) - 1;
  const first = await fx.build(dir, ['-t', 'cached']);
  assert.doesNotMatch(first, /Using cache/);
  // The build is an image event too, named by its tag.
  const until = Math.floor(Date.now() / 1000) + 1;
  const events = (await fx.berth(['events', '--since', String(since), '--until', String(until), '--filter', 'type=image', '--filter', 'event=build', '--format', '{{.Action}} {{.Actor.Attributes.name}}'])).stdout;
  assert.match(events, /^build cached$/m);
  const imagesBefore = (await fx.berth(['images', '-a', '-q', '--no-trunc'])).stdout;
  const again = await fx.build(dir, ['-t', 'cached']);
  assert.equal(again.match(/Using cache/g)?.length, 5);
  assert.doesNotMatch(again, /Running in/);
  assert.equal((await fx.berth(['images', '-a', '-q', '--no-trunc'])).stdout, imagesBefore, 'no image was created');

  writeFileSync(join(dir, 'two.txt'), '2 changed\n');
  const changed = await fx.build(dir, ['-t', 'cached']);
  const steps = changed.split(/Step \d+\/6 : /).slice(1);
  assert.match(steps[1], /Using cache/, 'COPY one.txt still cached');
  assert.match(steps[2], /Using cache/, 'RUN before the change still cached');
  assert.doesNotMatch(steps[3], /Using cache/, 'COPY two.txt rebuilt');
  assert.doesNotMatch(steps[4], /Using cache/, 'what follows is rebuilt');
  assert.equal(await fx.run('cached', []), '1\n2 changed\n');

  const nocache = await fx.build(dir, ['--no-cache', '-t', 'cached']);
  assert.doesNotMatch(nocache, /Using cache/);
});

test('each step is a layer over the base image: empty steps add none, deletions are whiteouts', { skip }, async () => {
  const dir = fx.context({ Dockerfile: 'FROM busybox\nRUN mkdir -p /d && echo x > /d/f && echo y > /keep\nRUN rm -rf /d /etc/group\nRUN true\nENV A=1\n' });
  await fx.build(dir, ['-t', 'layers']);
  const base = await fx.inspect('busybox');
  const img = await fx.inspect('layers');
  assert.equal(img.RootFS.Layers.length, base.RootFS.Layers.length + 2);
  assert.deepEqual(img.RootFS.Layers.slice(0, base.RootFS.Layers.length), base.RootFS.Layers);
  assert.equal(await fx.run('layers', ['sh', '-c', 'ls /d 2>&1; ls /etc/group 2>&1; cat /keep']), 'ls: /d: No such file or directory\nls: /etc/group: No such file or directory\ny\n');
  const hist = (await fx.berth(['history', '--format', '{{.CreatedBy}}|{{.Size}}', 'layers'])).stdout.trim().split('\n');
  assert.equal(hist.length, 5);
  assert.match(hist[0], /ENV A=1\|0B/);
});

test('multi-stage: AS names, COPY --from a stage and an index, --target stops early', { skip }, async () => {
  const dir = fx.context({
    Dockerfile: [
      'FROM busybox AS build',
      'RUN echo built > /artifact',
      'FROM busybox AS test',
      'RUN echo tested > /tested',
      'FROM build AS final',
      'COPY --from=test /tested /from-test',
      'COPY --from=0 /artifact /from-index',
      'CMD ["cat", "/artifact", "/from-test", "/from-index"]',
    ].join('\n'),
  });
  await fx.build(dir, ['-t', 'multi']);
  assert.equal(await fx.run('multi', []), 'built\ntested\nbuilt\n');
  const out = await fx.build(dir, ['--target', 'test', '-t', 'multi-test']);
  assert.doesNotMatch(out, /COPY --from/);
  assert.equal(await fx.run('multi-test', ['cat', '/tested']), 'tested\n');
  const bad = await fx.berth(['build', '--target', 'nope', dir]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /failed to reach build target nope in Dockerfile/);
});

test('.dockerignore: excluded files never reach the build; ! re-includes', { skip }, async () => {
  const dir = fx.context({
    '.dockerignore': '*.log\nsecret/\ndocs\n!docs/keep.md\n**/*.tmp\n',
    'a.log': 'x', 'app.txt': 'app', 'secret/key': 'k', 'docs/drop.md': 'd', 'docs/keep.md': 'keep', 'deep/er/x.tmp': 't', 'deep/er/y.txt': 'y',
    Dockerfile: 'FROM busybox\nCOPY . /ctx/\nCMD ["sh", "-c", "cd /ctx && find . -type f | sort"]\n',
  });
  await fx.build(dir, ['-t', 'ignored']);
  assert.equal(await fx.run('ignored', []), './.dockerignore\n./Dockerfile\n./app.txt\n./deep/er/y.txt\n./docs/keep.md\n');
});

test('build args: defaults, --build-arg, ARG before FROM, ENV wins over ARG, unused args warned', { skip }, async () => {
  const dir = fx.context({
    Dockerfile: [
      'ARG IMG=busybox',
      'ARG VERSION=1.0',
      'FROM ${IMG}',
      'ARG VERSION',
      'ARG WHO=nobody',
      'ENV SHADOW=env',
      'ARG SHADOW=arg',
      'RUN echo "$VERSION $WHO $SHADOW ${UNSET:-dflt}" > /args',
    ].join('\n'),
  });
  const out = await fx.build(dir, ['-t', 'args', '--build-arg', 'WHO=me', '--build-arg', 'EXTRA=1']);
  assert.match(out, /\[Warning\] One or more build-args \[EXTRA\] were not consumed/);
  assert.equal(await fx.run('args', ['cat', '/args']), '1.0 me env dflt\n');
  // Args are not in the image's environment.
  assert.doesNotMatch(JSON.stringify((await fx.inspect('args')).Config.Env), /WHO/);
  // A different value is a different step (the cache key has the args).
  const other = await fx.build(dir, ['-t', 'args', '--build-arg', 'WHO=you']);
  assert.match(other.split('Step 8/8')[1], /Running in/);
});

test('errors name the Dockerfile line, exit non-zero and leave no image', { skip }, async () => {
  const cases: [string, RegExp][] = [
    ['FROM busybox\nRUN true\nFOO bar\n', /Dockerfile:3: unknown instruction: FOO/],
    ['FROM busybox\n\nCOPY missing.txt /\n', /Dockerfile:3: COPY failed: file not found in build context or excluded by \.dockerignore: stat missing\.txt: file does not exist/],
    ['FROM busybox\nRUN exit 3\n', /The command '\/bin\/sh -c exit 3' returned a non-zero code: 3/],
    ['RUN true\n', /Dockerfile:1: no build stage in current context/],
    ['FROM busybox\nSHELL /bin/bash\n', /Dockerfile:2: SHELL requires the arguments to be in JSON form/],
    // Not local: pulled from its registry (test/integration/build/pull-base.test.ts); here none answers.
    ['FROM 127.0.0.1:1/nosuchimage:1\n', /^Get "http:\/\/127\.0\.0\.1:1\/v2\/": .*ECONNREFUSED|connection refused/m],
    ['FROM busybox\nADD http://example.com/x /x\n', /Dockerfile:2: ADD from a URL .* is not supported/],
  ];
  for (const [text, re] of cases) {
    const r = await fx.berth(['build', '-t', 'broken', fx.context({ Dockerfile: text })]);
    assert.notEqual(r.code, 0, text);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.notEqual((await fx.berth(['image', 'inspect', 'broken'])).code, 0);
  // A lone Dockerfile on stdin is a context too.
  const r = await fx.berth(['build', '-t', 'stdin', '-'], { input: 'FROM busybox\nENV FROM_STDIN=1\n' });
  assert.equal(r.code, 0, r.stderr);
});

test('an empty continuation line builds with Docker\'s warning before the first step', { skip }, async () => {
  const out = await fx.build(fx.context({ Dockerfile: 'FROM busybox\nRUN echo a \\\n\n  && echo b\n' }));
  assert.match(out, /\x1b\[91m\[WARNING\]: Empty continuation line found in:\n {4}RUN echo a {3}&& echo b\n\[WARNING\]: Empty continuation lines will become errors in a future release\.\n\x1b\[0mStep 1\/2 : FROM busybox\n/);
  assert.match(out, /\na\nb\n/);
});

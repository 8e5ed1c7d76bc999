// `berth compose push`, `compose pull` and the pull `compose up` does for a missing image, against
// a real registry on 127.0.0.1.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : false);

function tagsOf(host: string, repo: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    request(`http://${host}/v2/${repo}/tags/list`, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(res.statusCode === 200 ? (JSON.parse(body).tags ?? []) : []));
    }).on('error', reject).end();
  });
}

describe('compose pull and push', { skip }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let dir: string;
  const berth = (args: string[]) => runBerth(d.dockerHost, args, { env: { DOCKER_CONFIG: join(dir, 'cfg') }, timeoutMs: 180_000 });
  const compose = (args: string[]) => berth(['compose', '-p', 'regstack', '-f', join(dir, 'compose.yaml'), ...args]);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-reg-compose-'));
    reg = await startRegistry();
    d = await startTestDaemon();
    const base = `${reg.host}/base/bb:1`;
    assert.equal((await berth(['import', '-c', 'CMD ["sleep", "300"]', makeBusyboxTar(join(dir, 'rootfs.tar')), base])).code, 0);
    assert.equal((await berth(['push', '-q', base])).code, 0);
    mkdirSync(join(dir, 'app'));
    writeFileSync(join(dir, 'app/Dockerfile'), `FROM ${base}\nCOPY hello.txt /hello.txt\n`);
    writeFileSync(join(dir, 'app/hello.txt'), 'hello from compose push\n');
    writeFileSync(join(dir, 'compose.yaml'), `services:\n  web:\n    image: ${base}\n  app:\n    build: ./app\n    image: ${reg.host}/stack/app:1\n    command: ["cat", "/hello.txt"]\n`);
  });
  after(async () => {
    await compose(['down', '-t', '0']).catch(() => undefined);
    await d?.stop();
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('compose push sends the built images; compose pull brings every service image back', async () => {
    assert.equal((await compose(['build'])).code, 0);
    const push = await compose(['push']);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stderr, / app Pushing\n app Pushed\n/);
    assert.deepEqual(await tagsOf(reg.host, 'stack/app'), ['1']);
    for (const ref of [`${reg.host}/stack/app:1`, `${reg.host}/base/bb:1`]) assert.equal((await berth(['rmi', ref])).code, 0);
    const pull = await compose(['pull']);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stderr, / app Pulled\n/);
    assert.match(pull.stderr, / web Pulled\n/);
    const run = await berth(['run', '--rm', `${reg.host}/stack/app:1`, 'cat', '/hello.txt']);
    assert.equal(run.stdout, 'hello from compose push\n', run.stderr);
  });

  test('compose up pulls a service image that is missing', async () => {
    assert.equal((await berth(['rmi', `${reg.host}/base/bb:1`])).code, 0);
    const up = await compose(['up', '-d', 'web']);
    assert.equal(up.code, 0, up.stderr);
    const ps = await berth(['ps', '--format', '{{.Image}} {{.State}}']);
    assert.equal(ps.stdout, `${reg.host}/base/bb:1 running\n`, ps.stderr + up.stderr);
  });
});

// An interrupted pull leaves no half image and resumes from the blobs already verified: berthd
// is SIGKILLed while one layer of a three-layer image is still arriving (a pass-through proxy in
// front of the real docker-registry holds that blob's bytes mid-way), restarted, and shows no
// image, tag, staged or committed layer; the next pull fetches only the blob that was not
// verified (the proxy counts blob GETs), and the image runs.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : false);
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Forwards everything to the registry and counts blob GETs by digest. While `hold` names a
 * digest, a GET of that blob gets its first `holdAfter` bytes and then nothing more (the
 * connection stays open), as a stalled network would.
 */
class HoldingProxy {
  readonly gets = new Map<string, number>();
  hold?: string;
  holdAfter = 256 << 10;
  private readonly server: Server;
  port = 0;

  constructor(private readonly upstream: string) {
    this.server = createServer((req, res) => {
      const m = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(req.url ?? '');
      if (m && req.method === 'GET') this.gets.set(m[1], (this.gets.get(m[1]) ?? 0) + 1);
      const held = m !== null && req.method === 'GET' && m[1] === this.hold;
      const up = request(`http://${this.upstream}${req.url}`, { method: req.method, headers: req.headers }, (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        if (!held) { ures.pipe(res); return; }
        let sent = 0;
        ures.on('data', (c: Buffer) => {
          if (sent >= this.holdAfter) return;
          const part = c.subarray(0, this.holdAfter - sent);
          sent += part.length;
          res.write(part);
        });
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.port = (this.server.address() as { port: number }).port;
      resolve();
    }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A docker-archive (as `docker save` writes it) of busybox plus two layers of random bytes. */
function makeArchive(dir: string, tag: string): { archive: string; diffIds: string[] } {
  const layers = [makeBusyboxTar(join(dir, 'l0.tar'))];
  for (const [i, size] of [[1, 1 << 20], [2, 24 << 20]] as const) {
    const root = join(dir, `l${i}`);
    mkdirSync(root);
    writeFileSync(join(root, `data${i}.bin`), randomBytes(size));
    execFileSync('tar', ['-C', root, '-cf', join(dir, `l${i}.tar`), `data${i}.bin`]);
    layers.push(join(dir, `l${i}.tar`));
  }
  const diffIds = layers.map((l) => sha(readFileSync(l)));
  const config = Buffer.from(JSON.stringify({
    architecture: 'amd64', os: 'linux', created: '2026-01-01T00:00:00Z',
    config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: diffIds },
    history: diffIds.map((_, i) => ({ created: '2026-01-01T00:00:00Z', created_by: `layer ${i}` })),
  }));
  const out = join(dir, 'archive');
  mkdirSync(out);
  const configName = `${sha(config).slice(7)}.json`;
  writeFileSync(join(out, configName), config);
  const names = layers.map((l, i) => {
    mkdirSync(join(out, `layer${i}`));
    writeFileSync(join(out, `layer${i}`, 'layer.tar'), readFileSync(l));
    return `layer${i}/layer.tar`;
  });
  writeFileSync(join(out, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: [tag], Layers: names }]));
  const archive = join(dir, 'image.tar');
  execFileSync('tar', ['-C', out, '-cf', archive, '.']);
  return { archive, diffIds };
}

describe('an interrupted pull', { skip }, () => {
  let reg: TestRegistry;
  let proxy: HoldingProxy;
  let d: TestDaemon;
  let dir: string;
  const berth = (args: string[]) => runBerth(d.dockerHost, args, { env: { DOCKER_CONFIG: join(dir, 'docker-config') }, timeoutMs: 180_000 });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-interrupted-'));
    reg = await startRegistry();
    proxy = new HoldingProxy(reg.host);
    await proxy.listen();
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
    await proxy?.close();
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('SIGKILL mid-pull: no image or layer is left; the next pull fetches only what was not verified', async () => {
    const direct = `${reg.host}/big/img:1`;
    const viaProxy = `127.0.0.1:${proxy.port}/big/img:1`;
    const { archive } = makeArchive(dir, direct);
    let r = await berth(['load', '-i', archive]);
    assert.equal(r.code, 0, r.stderr);
    r = await berth(['push', direct]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await berth(['rmi', direct])).code, 0);
    assert.equal((await berth(['images', '-q'])).stdout.trim(), '');

    const manifest = await new Promise<{ layers: { digest: string; size: number }[] }>((resolve, reject) => {
      request(`http://${reg.host}/v2/big/img/manifests/1`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      }).on('error', reject).end();
    });
    const digests = manifest.layers.map((l) => l.digest);
    const big = digests[2];
    assert.ok(manifest.layers[2].size > 16 << 20, 'the held layer is the big one');
    proxy.hold = big;

    // The pull runs until berthd is killed under it.
    const cache = join(d.dataRoot, 'images/distribution/blobs');
    const cached = () => (existsSync(cache) ? readdirSync(cache).map((n) => `sha256:${n}`) : []);
    const pulling = berth(['pull', viaProxy]);
    const deadline = Date.now() + 120_000;
    while (!(cached().includes(digests[0]) && cached().includes(digests[1]) && proxy.gets.get(big) === 1)) {
      assert.ok(Date.now() < deadline, `the two small layers were not verified in time (cached: ${cached().join(', ')})`);
      await sleep(100);
    }
    assert.ok(!cached().includes(big), 'the held blob is not in the cache');
    await d.restart('SIGKILL');
    const killed = await pulling;
    assert.notEqual(killed.code, 0, 'the pull did not complete');

    // Nothing of the image is visible after the restart.
    assert.equal((await berth(['images', '-q'])).stdout.trim(), '');
    const inspect = await berth(['image', 'inspect', viaProxy]);
    assert.equal(inspect.code, 1);
    assert.match(inspect.stderr, /No such image/);
    const overlay = join(d.dataRoot, 'overlay');
    assert.deepEqual(readdirSync(overlay).filter((n) => /^[a-f0-9]{64}$/.test(n)), [], 'no layer directory');
    assert.deepEqual(readdirSync(join(overlay, 'tmp')), [], 'no staged layer');
    assert.deepEqual(readdirSync(join(d.dataRoot, 'images/distribution/partial')), [], 'no partial download');
    // The two verified blobs are still there to resume from.
    assert.deepEqual(cached().sort(), [digests[0], digests[1]].sort());

    proxy.hold = undefined;
    const again = await berth(['pull', viaProxy]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Status: Downloaded newer image for /);
    assert.equal(proxy.gets.get(digests[0]), 1, 'the busybox blob was not fetched again');
    assert.equal(proxy.gets.get(digests[1]), 1, 'the small blob was not fetched again');
    assert.equal(proxy.gets.get(big), 2, 'only the interrupted blob was fetched again');
    const run = await berth(['run', '--rm', viaProxy, 'sh', '-c', 'wc -c < /data1.bin; wc -c < /data2.bin']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split(/\s+/), [String(1 << 20), String(24 << 20)]);
  });
});

// Pull and push against a real registry (Debian's docker-registry on 127.0.0.1), driven through the
// berth CLI: round trip and run, skipped and mounted blobs, a manifest list and --platform, a
// missing tag, a corrupted blob refused with nothing committed (then the pull resumes), and
// images exchanged with skopeo both ways (gzip and zstd layers).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, daemonRequest, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : false);

/** One plain HTTP call to the registry. */
function http(method: string, url: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const r = request(url, { method, headers: { ...headers, ...(body ? { 'Content-Length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('registry pull and push', { skip }, () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let dir: string;
  const berth = (args: string[], opts: { input?: string } = {}) => runBerth(d.dockerHost, args, { ...opts, env: { DOCKER_CONFIG: join(dir, 'docker-config') }, timeoutMs: 120_000 });
  const img = (s: string) => `${reg.host}/${s}`;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-reg-test-'));
    reg = await startRegistry();
    d = await startTestDaemon();
    const r = await berth(['import', makeBusyboxTar(join(dir, 'rootfs.tar')), img('bb:v1')]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.stop();
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('push then pull round trip; the pulled image runs', async () => {
    const push = await berth(['push', img('bb:v1')]);
    assert.equal(push.code, 0, push.stderr);
    assert.match(push.stdout, new RegExp(`^The push refers to repository \\[${reg.host}/bb\\]\n[0-9a-f]{12}: Preparing\n[0-9a-f]{12}: Pushed\nv1: digest: sha256:[0-9a-f]{64} size: \\d+\n$`));
    const pushedDigest = /digest: (sha256:[0-9a-f]{64})/.exec(push.stdout)![1];
    assert.equal((await berth(['rmi', img('bb:v1')])).code, 0);
    const pull = await berth(['pull', img('bb:v1')]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`^v1: Pulling from bb\n([0-9a-f]{12}): Pulling fs layer\n\\1: Verifying Checksum\n\\1: Download complete\n\\1: Pull complete\nDigest: ${pushedDigest}\nStatus: Downloaded newer image for ${reg.host}/bb:v1\n${reg.host}/bb:v1\n$`));
    const digests = await berth(['image', 'inspect', '-f', '{{json .RepoDigests}}', img('bb:v1')]);
    assert.equal(digests.stdout.trim(), JSON.stringify([`${reg.host}/bb@${pushedDigest}`]));
    const run = await berth(['run', '--rm', img('bb:v1'), 'echo', 'pulled-and-running']);
    assert.equal(run.stdout, 'pulled-and-running\n', run.stderr);
    const again = await berth(['pull', img('bb:v1')]);
    assert.match(again.stdout, /: Already exists\n/);
    assert.match(again.stdout, new RegExp(`Status: Image is up to date for ${reg.host}/bb:v1\n`));
  });

  test('a second push skips the blob; another repository mounts it', async () => {
    const again = await berth(['push', img('bb:v1')]);
    assert.match(again.stdout, /[0-9a-f]{12}: Layer already exists\n/, again.stdout + again.stderr);
    assert.equal((await berth(['tag', img('bb:v1'), img('other/copy:1')])).code, 0);
    const mounted = await berth(['push', img('other/copy:1')]);
    assert.equal(mounted.code, 0, mounted.stderr);
    assert.match(mounted.stdout, new RegExp(`[0-9a-f]{12}: Mounted from ${reg.host}/bb\n`));
    const tags = await http('GET', `http://${reg.host}/v2/other/copy/tags/list`);
    assert.deepEqual(JSON.parse(tags.body.toString()).tags, ['1']);
  });

  test('a missing tag fails with Docker\'s message and exit code 1', async () => {
    const r = await berth(['pull', img('bb:nope')]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Error response from daemon: manifest for ${reg.host}/bb:nope not found: manifest unknown: manifest unknown\n`);
  });

  test('a manifest list resolves to the host platform, --platform picks another, an absent one is refused', async () => {
    const m = await http('GET', `http://${reg.host}/v2/bb/manifests/v1`, undefined, { Accept: 'application/vnd.docker.distribution.manifest.v2+json' });
    const desc = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: sha(m.body), size: m.body.length };
    const list = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json',
      manifests: [{ ...desc, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } }, { ...desc, platform: { architecture: 'amd64', os: 'linux' } }],
    }));
    const put = await http('PUT', `http://${reg.host}/v2/bb/manifests/multi`, list, { 'Content-Type': 'application/vnd.docker.distribution.manifest.list.v2+json' });
    assert.equal(put.status, 201, put.body.toString());
    const pull = await berth(['pull', img('bb:multi')]);
    assert.equal(pull.code, 0, pull.stderr);
    assert.match(pull.stdout, new RegExp(`Digest: ${sha(list)}\n`));
    const arm = await berth(['pull', '--platform', 'linux/arm64', img('bb:multi')]);
    assert.equal(arm.code, 0, arm.stderr);
    const none = await berth(['pull', '--platform', 'linux/s390x', img('bb:multi')]);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /no matching manifest for linux\/s390x in the manifest list entries/);
    const inspect = await daemonRequest(d.socket, 'GET', `/distribution/${img('bb:multi')}/json`);
    assert.equal(inspect.status, 200);
    const body = JSON.parse(inspect.body);
    assert.equal(body.Descriptor.digest, sha(list));
    assert.deepEqual(body.Platforms.map((p: { architecture: string }) => p.architecture), ['arm64', 'amd64']);
  });

  test('a corrupted blob is refused with nothing committed; once repaired the pull completes', async () => {
    assert.equal((await berth(['tag', img('bb:v1'), img('corrupt/me:1')])).code, 0);
    assert.equal((await berth(['push', img('corrupt/me:1')])).code, 0);
    // Remove every local image so the layer must come from the registry again.
    for (const ref of [img('bb:v1'), img('bb:multi'), img('other/copy:1'), img('corrupt/me:1')]) await berth(['rmi', '-f', ref]);
    assert.equal((await berth(['images', '-q'])).stdout.trim(), '', 'no image left before the corrupt pull');
    const m = JSON.parse((await http('GET', `http://${reg.host}/v2/corrupt/me/manifests/1`, undefined, { Accept: 'application/vnd.docker.distribution.manifest.v2+json' })).body.toString());
    const layer: string = m.layers[0].digest;
    const hex = layer.slice(7);
    const data = join(reg.storage, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data');
    const good = readFileSync(data);
    const bad = Buffer.from(good);
    bad[Math.floor(bad.length / 2)] ^= 0xff;
    writeFileSync(data, bad);
    try {
      const r = await berth(['pull', img('corrupt/me:1')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`filesystem layer verification failed for digest ${layer}`));
      assert.equal((await berth(['images', '-q'])).stdout.trim(), '', 'no image after a refused pull');
      const cache = join(d.dataRoot, 'images/distribution/blobs');
      assert.deepEqual(existsSync(cache) ? readdirSync(cache) : [], [], 'no unverified blob kept');
    } finally {
      writeFileSync(data, good);
    }
    const ok = await berth(['pull', img('corrupt/me:1')]);
    assert.equal(ok.code, 0, ok.stderr);
    const run = await berth(['run', '--rm', img('corrupt/me:1'), 'true']);
    assert.equal(run.code, 0, run.stderr);
  });

  test('skopeo pushes (gzip and zstd) what berth pulls; berth pushes what skopeo copies', { skip: existsSync('/usr/bin/skopeo') ? false : 'skopeo is not installed' }, async () => {
    const archive = join(dir, 'saved.tar');
    const save = await berth(['save', '-o', archive, img('corrupt/me:1')]);
    assert.equal(save.code, 0, save.stderr);
    execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${img('from-skopeo:gz')}`]);
    execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', '--format', 'oci', '--dest-compress-format', 'zstd', `docker-archive:${archive}`, `docker://${img('from-skopeo:zstd')}`]);
    // With no local copy of the layer, each pull must download and unpack its own compression.
    assert.equal((await berth(['rmi', img('corrupt/me:1')])).code, 0);
    for (const tag of ['zstd', 'gz']) {
      const r = await berth(['pull', img(`from-skopeo:${tag}`)]);
      assert.equal(r.code, 0, `${tag}: ${r.stderr}`);
      assert.match(r.stdout, /: Pull complete\n/, `${tag} downloaded and unpacked`);
      const run = await berth(['run', '--rm', img(`from-skopeo:${tag}`), 'echo', `ran-${tag}`]);
      assert.equal(run.stdout, `ran-${tag}\n`, run.stderr);
      if (tag === 'zstd') assert.equal((await berth(['rmi', img(`from-skopeo:${tag}`)])).code, 0);
    }
    assert.equal((await berth(['tag', img('from-skopeo:gz'), img('to-skopeo:1')])).code, 0);
    assert.equal((await berth(['push', img('to-skopeo:1')])).code, 0);
    const out = join(dir, 'oci-out');
    execFileSync('skopeo', ['copy', '-q', '--src-tls-verify=false', `docker://${img('to-skopeo:1')}`, `oci:${out}:copied`]);
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], 'copied');
  });
});

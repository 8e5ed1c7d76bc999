// A pulled image pushed to another registry keeps its layer digests: berth sends the compressed
// blob it pulled (kept in its blob cache) instead of recompressing. Proven with layers compressed
// in ways berth's own gzip would not reproduce (skopeo's gzip level 9, and zstd), between two real
// docker-registry instances; and the cache goes with the image on `rmi`.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxTar } from '../../helpers/busybox.js';
import { startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { registryAvailable, startRegistry, type TestRegistry } from '../../helpers/registry.js';
import { runBerth } from '../cli/engine.js';

const skip = registryAvailable() ?? (process.getuid?.() !== 0 ? 'needs root' : !existsSync('/usr/bin/skopeo') ? 'skopeo is not installed' : false);

interface Manifest { mediaType: string; layers: { digest: string; mediaType: string }[] }

function manifestOf(host: string, repo: string, tag: string): Promise<Manifest> {
  const accept = 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json';
  return new Promise((resolve, reject) => {
    const r = request(`http://${host}/v2/${repo}/manifests/${tag}`, { headers: { Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET manifest ${repo}:${tag}: ${res.statusCode}`));
        else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Manifest);
      });
    });
    r.on('error', reject);
    r.end();
  });
}

describe('push of a pulled image keeps its layer digests', { skip }, () => {
  let a: TestRegistry;
  let b: TestRegistry;
  let d: TestDaemon;
  let dir: string;
  const berth = (args: string[]) => runBerth(d.dockerHost, args, { env: { DOCKER_CONFIG: join(dir, 'docker-config') }, timeoutMs: 120_000 });
  const ok = async (args: string[]) => {
    const r = await berth(args);
    assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-push-digests-'));
    a = await startRegistry();
    b = await startRegistry();
    d = await startTestDaemon();
    // berth's own push (gzip, zlib's default level) of the layer, for comparison.
    await ok(['import', makeBusyboxTar(join(dir, 'rootfs.tar')), `${a.host}/own:1`]);
    await ok(['push', `${a.host}/own:1`]);
    await ok(['save', '-o', join(dir, 'saved.tar'), `${a.host}/own:1`]);
    const copy = (extra: string[], dest: string) => execFileSync('skopeo', ['copy', '-q', '--dest-tls-verify=false', ...extra, `docker-archive:${join(dir, 'saved.tar')}`, `docker://${dest}`]);
    copy(['--dest-compress-format', 'gzip', '--dest-compress-level', '9'], `${a.host}/gz9:1`);
    // Into the other registry: skopeo would otherwise reuse the gzip blob it just put in A.
    copy(['--format', 'oci', '--dest-compress-format', 'zstd'], `${b.host}/zst:1`);
    // Without the layer locally, the pulls below must download (and cache) the registry's blobs.
    await ok(['rmi', `${a.host}/own:1`]);
  });
  after(async () => {
    await d?.stop();
    await a?.stop();
    await b?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('gzip level 9 layer: pushed to another registry under the digest it was pulled as', async () => {
    const own = (await manifestOf(a.host, 'own', '1')).layers[0].digest;
    const src = (await manifestOf(a.host, 'gz9', '1')).layers[0];
    assert.notEqual(src.digest, own, 'the level-9 blob differs from what berth would compress');
    await ok(['pull', `${a.host}/gz9:1`]);
    await ok(['tag', `${a.host}/gz9:1`, `${b.host}/copy:gz9`]);
    const push = await ok(['push', `${b.host}/copy:gz9`]);
    assert.match(push.stdout, /: Pushed\n/);
    const pushed = await manifestOf(b.host, 'copy', 'gz9');
    assert.deepEqual(pushed.layers.map((l) => l.digest), [src.digest]);
    assert.equal(pushed.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    // The pushed image pulls back and runs.
    await ok(['rmi', `${a.host}/gz9:1`, `${b.host}/copy:gz9`]);
    await ok(['pull', `${b.host}/copy:gz9`]);
    const run = await ok(['run', '--rm', `${b.host}/copy:gz9`, 'echo', 'kept']);
    assert.equal(run.stdout, 'kept\n');
    await ok(['rmi', `${b.host}/copy:gz9`]);
  });

  test('zstd layer: stays zstd with its digest (the manifest becomes OCI)', async () => {
    const src = (await manifestOf(b.host, 'zst', '1')).layers[0];
    assert.equal(src.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd');
    await ok(['pull', `${b.host}/zst:1`]);
    await ok(['tag', `${b.host}/zst:1`, `${a.host}/copy:zst`]);
    await ok(['push', `${a.host}/copy:zst`]);
    const pushed = await manifestOf(a.host, 'copy', 'zst');
    assert.equal(pushed.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(pushed.layers.map((l) => [l.digest, l.mediaType]), [[src.digest, src.mediaType]]);
  });

  test('the compressed blobs go with the last image that uses them', async () => {
    const cache = join(d.dataRoot, 'images/distribution/blobs');
    assert.ok(readdirSync(cache).length > 0, 'the pulled blob is cached while its image exists');
    await ok(['rmi', `${b.host}/zst:1`, `${a.host}/copy:zst`]);
    assert.equal((await berth(['images', '-q'])).stdout.trim(), '');
    assert.deepEqual(readdirSync(cache), []);
  });
});

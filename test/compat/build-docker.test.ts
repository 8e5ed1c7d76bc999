// The same Dockerfile built by berthd and by Docker's classic builder (a private dockerd from
// Debian's docker.io, driven by the real docker CLI with DOCKER_BUILDKIT=0) gives the same files,
// the same config and the same number of layers. Also: the docker CLI's classic build against berthd.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { dockerdAvailable, startDockerd, type Dockerd } from '../integration/images/dockerd.js';
import { startBuildFixture, type BuildFixture } from '../integration/build/fixture.js';

const why = process.getuid?.() !== 0 ? 'needs root' : dockerdAvailable();
let fx: BuildFixture;
let dockerd: Dockerd;

before(async () => {
  if (why) return;
  fx = await startBuildFixture();
  dockerd = await startDockerd();
  dockerd.docker(['import', '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--change', 'CMD ["sh"]', join(fx.work, 'busybox.tar'), 'busybox:latest']);
});
after(async () => {
  await dockerd?.stop();
  await fx?.stop();
});

const DOCKERFILE = `FROM busybox
ARG V=1
ENV A=1 B="x y"
LABEL a=b c="d e"
WORKDIR /app
COPY --chown=1:2 f.txt ./
COPY dir/ /data/
ADD arch.tar /ext/
RUN mkdir -p /r && echo $V > /r/v && rm -f /etc/group && rm -rf /data/sub
RUN ln -s /r/v /r/link && ln /r/v /r/hard && chmod 600 /r/v
RUN true
WORKDIR /app
USER 1000:1000
EXPOSE 80 53/udp
VOLUME /vol
HEALTHCHECK --interval=10s --retries=2 CMD true
STOPSIGNAL SIGINT
ENTRYPOINT ["/bin/sh"]
CMD ["-c", "id"]
`;

/** Every entry of an exported rootfs: type, mode, owner, size, link target and content hash. */
async function listing(tar: Buffer): Promise<string[]> {
  const out: string[] = [];
  const ex = extract();
  const skip = /^(\.dockerenv|etc\/(hosts|hostname|resolv\.conf|mtab)|dev|proc|sys)(\/|$)/;
  const done = new Promise<void>((resolve, reject) => {
    const files = new Map<string, string>();
    ex.on('entry', (h, stream, next) => {
      const name = h.name.replace(/^\.?\//, '').replace(/\/$/, '');
      const hash = createHash('sha256');
      stream.on('data', (c) => { hash.update(c as Buffer); });
      stream.on('end', () => {
        // Hard links as the file they name: which name a tar writer stores first is arbitrary.
        const content = h.type === 'file' ? `${h.size} ${hash.digest('hex').slice(0, 12)}` : h.type === 'link' ? files.get((h.linkname ?? '').replace(/^\.?\//, '')) ?? '?' : '';
        if (h.type === 'file') files.set(name, content);
        const type = h.type === 'link' ? 'file' : h.type;
        const target = h.type === 'symlink' ? h.linkname ?? '' : '';
        if (name && name !== '.' && !skip.test(name)) out.push(`${name} ${type} ${((h.mode ?? 0) & 0o7777).toString(8)} ${h.uid}:${h.gid} ${content} ${target}`);
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from([tar]).pipe(ex);
  await done;
  return out.sort();
}

test('same Dockerfile, berth vs Docker classic builder: files, config and layer count match', { skip: why ?? undefined, timeout: 300_000 }, async () => {
  const dir = fx.context({ 'f.txt': 'file\n', 'dir/a': 'a\n', 'dir/sub/b': 'b\n', Dockerfile: DOCKERFILE });
  mkdirSync(join(fx.work, 'arch/x'), { recursive: true });
  writeFileSync(join(fx.work, 'arch/x/in-tar'), 'tar\n');
  execFileSync('tar', ['-C', join(fx.work, 'arch'), '--owner=5', '--group=6', '-cf', join(dir, 'arch.tar'), 'x']);

  await fx.build(dir, ['-t', 'same:1', '--network', 'none']);
  execFileSync('docker', ['-H', dockerd.host, 'build', '-q', '--network', 'none', '-t', 'same:1', dir], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, stdio: 'pipe' });

  const theirs = (JSON.parse(dockerd.docker(['image', 'inspect', 'same:1']).toString()) as { Config: Record<string, unknown>; RootFS: { Layers: string[] } }[])[0];
  const ours = await fx.inspect('same:1');
  for (const k of ['Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'User', 'ExposedPorts', 'Healthcheck', 'Labels', 'Volumes', 'StopSignal']) {
    assert.deepEqual(ours.Config[k] ?? null, theirs.Config[k] ?? null, `Config.${k}`);
  }
  assert.equal(ours.RootFS.Layers.length, theirs.RootFS.Layers.length, 'layer count');
  assert.equal(ours.RootFS.Layers[0], theirs.RootFS.Layers[0], 'same base layer');

  const cid = dockerd.docker(['create', 'same:1']).toString().trim();
  const theirFiles = await listing(dockerd.docker(['export', cid]));
  const created = await fx.berth(['create', 'same:1']);
  const exported = execFileSync(process.execPath, [join(import.meta.dirname, '../../bin/berth'), 'export', created.stdout.trim()], { env: { ...process.env, DOCKER_HOST: fx.daemon.dockerHost }, maxBuffer: 64 << 20 });
  const ourFiles = await listing(exported);
  assert.deepEqual(ourFiles.filter((l) => !theirFiles.includes(l)), [], 'only in berth');
  assert.deepEqual(theirFiles.filter((l) => !ourFiles.includes(l)), [], 'only in docker');
});

test('DOCKER_BUILDKIT=0 docker build against berthd: steps, cache and tag', { skip: why ?? undefined }, async () => {
  const dir = fx.context({ 'm.txt': 'm\n', Dockerfile: 'FROM busybox\nCOPY m.txt /m.txt\nRUN cat /m.txt > /copy\nCMD ["cat", "/copy"]\n' });
  const docker = (args: string[]) => execFileSync('docker', ['-H', fx.daemon.dockerHost, ...args], { env: { ...process.env, DOCKER_BUILDKIT: '0' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const first = docker(['build', '-t', 'viadocker', dir]);
  assert.match(first, /Step 3\/4 : RUN cat \/m.txt > \/copy/);
  assert.match(first, /Successfully tagged viadocker:latest/);
  const second = docker(['build', '-t', 'viadocker', dir]);
  assert.equal(second.match(/Using cache/g)?.length, 3);
  assert.equal(await fx.run('viadocker', []), 'm\n');
});

// RUN apt-get install on the Debian base image (made offline by scripts/make-debian-images.sh):
// build containers reach the host's Debian mirror through berth's default bridge. Slow (~1 min).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canMakeDebian, debianTar, DEBIAN_IMPORT_CHANGES } from '../../helpers/debian.js';
import { startBuildFixture, type BuildFixture } from './fixture.js';

const skip = !canMakeDebian() ? 'needs root and debootstrap' : undefined;
let fx: BuildFixture;

before(async () => { if (!skip) fx = await startBuildFixture(); });
after(async () => { await fx?.stop(); });

test('RUN apt-get install -y works on debian:bookworm built from the host mirror', { skip, timeout: 600_000 }, async () => {
  const tar = debianTar();
  const imported = await fx.berth(['import', ...DEBIAN_IMPORT_CHANGES.flatMap((c) => ['--change', c]), tar, 'debian:bookworm'], { timeoutMs: 300_000 });
  assert.equal(imported.code, 0, imported.stderr);
  const dir = fx.context({ Dockerfile: 'FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends jq && rm -rf /var/lib/apt/lists/*\nCMD ["jq", "--version"]\n' });
  const r = await fx.berth(['build', '-t', 'with-jq', dir], { timeoutMs: 540_000 });
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Setting up jq/);
  assert.match(await fx.run('with-jq', []), /^jq-1\.6/);
});

// The embedded default: with no -H/DOCKER_HOST and nothing on unix:///run/berth/berth.sock, the CLI
// starts berthd itself (detached, logging to /var/lib/berth/berthd.log) and the command just works.
// Runs only on a machine where berth's default roots are unused, and removes them afterwards.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { cleanupRoot } from '../../helpers/daemon.js';
import { runBerth } from './engine.js';

const SOCKET = '/run/berth/berth.sock';
const busy = existsSync('/run/berth') || existsSync('/var/lib/berth');
const skip = process.getuid?.() !== 0 ? 'needs root' : busy ? 'berth\'s default roots are in use on this machine' : false;
if (skip) process.stderr.write(`# skipping embedded-daemon test: ${skip}\n`);

describe('embedded berthd', { skip }, () => {
  after(async () => {
    try {
      const pid = Number(readFileSync('/run/berth/berthd.pid', 'utf8').trim());
      if (pid) process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 50 && pid && existsSync(`/proc/${pid}`); i++) await new Promise((r) => setTimeout(r, 100));
    } catch {
      // no pid file: nothing was started
    }
    cleanupRoot('/run/berth');
    cleanupRoot('/var/lib/berth');
    rmSync('/run/berth', { recursive: true, force: true });
    rmSync('/var/lib/berth', { recursive: true, force: true });
  });

  test('the first command starts berthd in the background and talks to it', async () => {
    const r = await runBerth('', ['version', '-f', '{{.Server.Version}}'], { env: { DOCKER_HOST: '' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\S+\n$/);
    assert.ok(existsSync(SOCKET));
    assert.ok(existsSync('/var/lib/berth/berthd.log'));
    const again = await runBerth('', ['ps', '-a', '-q'], { env: { DOCKER_HOST: '' } });
    assert.equal(again.code, 0, again.stderr);
  });
});

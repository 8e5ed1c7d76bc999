// The real docker CLI and the berth CLI against berthd: health in `ps` and `inspect`, the health
// filter, `update --restart` on a live container, and berth's --health-on-failure flag.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerCli, ok } from '../../compat/docker-cli.js';
import { runBerth } from '../cli/engine.js';
import { openFixture, until, type Fixture } from './fixture.js';

let f: Fixture;
let docker: ReturnType<typeof dockerCli>;
before(async () => { f = await openFixture(); docker = dockerCli(f.daemon.dockerHost); });
after(async () => { await f?.stop(); });

test('docker run --health-* shows health in docker ps and docker inspect; docker update --restart changes the policy', async () => {
  const id = await ok(docker(['run', '-d', '--network', 'none', '--name', 'web', '--health-cmd', 'test -f /tmp/ok', '--health-interval', '300ms',
    '--health-retries', '2', '--health-start-period', '30s', '--health-start-interval', '200ms', 'busybox', 'sh', '-c', 'touch /tmp/ok; exec sleep 1000']));
  const status = () => ok(docker(['inspect', '--format', '{{.State.Health.Status}}', 'web']));
  assert.equal(await until(async () => (await status()) === 'healthy', 10_000), true);
  assert.match(await ok(docker(['ps', '--filter', 'health=healthy', '--format', '{{.Names}} {{.Status}}'])), /^web Up .* \(healthy\)$/);
  assert.equal(await ok(docker(['ps', '-q', '--filter', 'health=unhealthy'])), '');
  const cfg = JSON.parse(await ok(docker(['inspect', '--format', '{{json .Config.Healthcheck}}', 'web'])));
  assert.deepEqual(cfg, { Test: ['CMD-SHELL', 'test -f /tmp/ok'], Interval: 300_000_000, StartPeriod: 30_000_000_000, StartInterval: 200_000_000, Retries: 2 });
  const log = JSON.parse(await ok(docker(['inspect', '--format', '{{json .State.Health.Log}}', 'web']))) as { ExitCode: number }[];
  assert.equal(log.at(-1)?.ExitCode, 0);

  await ok(docker(['exec', 'web', 'rm', '/tmp/ok']));
  assert.equal(await until(async () => (await status()) === 'unhealthy', 10_000), true);
  assert.match(await ok(docker(['ps', '--filter', 'health=unhealthy', '--format', '{{.Status}}'])), /\(unhealthy\)$/);

  await ok(docker(['update', '--restart', 'on-failure:2', 'web']));
  assert.equal(await ok(docker(['inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}', 'web'])), 'on-failure:2');
  await ok(docker(['rm', '-f', id]));
});

test('berth run --health-on-failure restart and berth update --restart', async () => {
  const berth = (args: string[]) => runBerth(f.daemon.dockerHost, args);
  const r = await berth(['run', '-d', '--network', 'none', '--name', 'healme', '--health-cmd', 'test -f /ok', '--health-interval', '200ms', '--health-retries', '1',
    '--health-on-failure', 'restart', '--stop-timeout', '1', 'busybox', 'sh', '-c', '[ -f /again ] && touch /ok; touch /again; exec sleep 1000']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await until(async () => (await f.inspect('healme')).RestartCount === 1 && (await f.inspect('healme')).State.Health?.Status === 'healthy', 15_000), true);
  const ps = await berth(['ps', '--filter', 'name=healme', '--format', '{{.Status}}']);
  assert.match(ps.stdout.trim(), /^Up .* \(healthy\)$/);
  const u = await berth(['update', '--restart', 'unless-stopped', 'healme']);
  assert.equal(u.code, 0, u.stderr);
  assert.equal(u.stdout.trim(), 'healme');
  assert.equal((await f.inspect('healme')).HostConfig.RestartPolicy?.Name, 'unless-stopped');
  const bad = await berth(['run', '-d', '--health-on-failure', 'reboot', 'busybox', 'true']);
  assert.equal(bad.code, 125);
  assert.equal(bad.stderr.split('\n')[0], 'invalid argument "reboot" for "--health-on-failure" flag: expected none, kill, restart or stop');
  const none = await berth(['update', 'healme']);
  assert.notEqual(none.code, 0);
  await berth(['rm', '-f', 'healme']);
});

// Error messages of the real docker CLIs against berthd, compared line for line with what a Docker
// engine answers. The texts were recorded from Debian's dockerd 20.10 (private daemon) with the same
// two clients, then updated where Docker 25 (API 1.44, what berthd follows) words them differently:
// removing a running container, and image inspect of a missing image. Lines starting with "Error:"
// are the client's own rendering of a 404, which changed between the 20.10 and 28 clients.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { CLIENTS, dockerCli, ok, type DockerClient } from './docker-cli.js';

const IMG = 'berth-errors/busybox:latest';

interface Ids { taken: string; running: string; user: string }
/** [docker args, exit code, stderr for the 28 client, stderr for the 20.10 client (when it differs)] */
type Case = [string[], number, (ids: Ids) => string, ((ids: Ids) => string)?];

const daemonSays = (m: string) => () => `Error response from daemon: ${m}`;
const noSuch = daemonSays('No such container: nosuch');
const clientNoSuch = () => 'Error: No such container: nosuch';

const CASES: Case[] = [
  [['rm', 'nosuch'], 1, noSuch, clientNoSuch],
  [['stop', 'nosuch'], 1, noSuch],
  [['start', 'nosuch'], 1, () => 'Error response from daemon: No such container: nosuch\nError: failed to start containers: nosuch'],
  [['kill', 'nosuch'], 1, daemonSays('Cannot kill container: nosuch: No such container: nosuch')],
  [['restart', 'nosuch'], 1, noSuch],
  [['logs', 'nosuch'], 1, noSuch, clientNoSuch],
  [['inspect', 'nosuch'], 1, () => 'Error: No such object: nosuch'],
  [['exec', 'nosuch', 'true'], 1, noSuch, clientNoSuch],
  [['exec', 'taken', 'true'], 1, (i) => `Error response from daemon: Container ${i.taken} is not running`],
  [['attach', 'taken'], 1, () => 'You cannot attach to a stopped container, start it first'],
  [['port', 'running', '80'], 1, () => "Error: No public port '80' published for running", () => "Error: No public port '80/tcp' published for running"],
  [['port', 'nosuch'], 1, noSuch, clientNoSuch],
  [['top', 'taken'], 1, (i) => `Error response from daemon: Container ${i.taken} is not running`],
  [['top', 'nosuch'], 1, noSuch],
  [['wait', 'nosuch'], 1, noSuch],
  [['stats', '--no-stream', 'nosuch'], 1, noSuch],
  [['cp', 'nosuch:/x', '/tmp/x'], 1, noSuch, () => 'Error: No such container:path: nosuch:/x'],
  [['cp', 'running:/nope', '/tmp/x'], 1, daemonSays('Could not find the file /nope in container running'), () => 'Error: No such container:path: running:/nope'],
  [['create', '--name', 'taken', IMG], 1, (i) => `Error response from daemon: Conflict. The container name "/taken" is already in use by container "${i.taken}". You have to remove (or rename) that container to be able to reuse that name.`],
  [['rm', 'running'], 1, daemonSays('cannot remove container "/running": container is running: stop the container before removing or force remove')],
  [['kill', 'taken'], 1, (i) => `Error response from daemon: Cannot kill container: taken: Container ${i.taken} is not running`],
  [['pause', 'taken'], 1, (i) => `Error response from daemon: Container ${i.taken} is not running`],
  [['unpause', 'running'], 1, (i) => `Error response from daemon: Container ${i.running} is not paused`],
  [['rename', 'nosuch', 'x'], 1, () => 'Error response from daemon: No such container: nosuch\nError: failed to rename container named nosuch'],
  [['rename', 'running', 'taken'], 1, (i) => `Error response from daemon: Error when allocating new name: Conflict. The container name "/taken" is already in use by container "${i.taken}". You have to remove (or rename) that container to be able to reuse that name.\nError: failed to rename container named running`],
  [['rmi', 'nosuch:v1'], 1, daemonSays('No such image: nosuch:v1'), () => 'Error: No such image: nosuch:v1'],
  [['tag', 'nosuch:v1', 'x:y'], 1, daemonSays('No such image: nosuch:v1')],
  [['image', 'inspect', 'nosuch:v9'], 1, daemonSays('No such image: nosuch:v9'), () => 'Error: No such image: nosuch:v9'],
  // The 28 client adds the "exit status 1" line to network rm, as it does against Docker.
  [['network', 'rm', 'nosuchnet'], 1, () => 'Error response from daemon: network nosuchnet not found\nexit status 1', () => 'Error: No such network: nosuchnet'],
  [['network', 'inspect', 'nosuchnet'], 1, daemonSays('network nosuchnet not found'), () => 'Error: No such network: nosuchnet'],
  [['network', 'create', 'errnet'], 1, daemonSays('network with name errnet already exists')],
  [['network', 'connect', 'nosuchnet', 'running'], 1, daemonSays('network nosuchnet not found')],
  [['network', 'connect', 'errnet', 'nosuch'], 1, noSuch],
  [['network', 'disconnect', 'errnet', 'running'], 1, (i) => `Error response from daemon: container ${i.running} is not connected to network errnet`],
  [['network', 'rm', 'bridge'], 1, () => 'Error response from daemon: bridge is a pre-defined network and cannot be removed\nexit status 1', daemonSays('bridge is a pre-defined network and cannot be removed')],
  [['volume', 'rm', 'nosuchvol'], 1, daemonSays('get nosuchvol: no such volume'), () => 'Error: No such volume: nosuchvol'],
  [['volume', 'inspect', 'nosuchvol'], 1, daemonSays('get nosuchvol: no such volume'), () => 'Error: No such volume: nosuchvol'],
  [['volume', 'rm', 'errvol'], 1, (i) => `Error response from daemon: remove errvol: volume is in use - [${i.user}]`],
  [['run', '--rm', '-w', 'rel', IMG, 'true'], 125,
    () => "docker: Error response from daemon: the working directory 'rel' is invalid, it needs to be an absolute path\n\nRun 'docker run --help' for more information",
    () => "docker: Error response from daemon: the working directory 'rel' is invalid, it needs to be an absolute path.\nSee 'docker run --help'."],
  [['run', '--rm', '--network', 'nosuchnet', IMG, 'true'], 125,
    () => "docker: Error response from daemon: network nosuchnet not found\n\nRun 'docker run --help' for more information",
    () => "docker: Error response from daemon: network nosuchnet not found.\nSee 'docker run --help'."],
  [['run', '-it', '--rm', IMG, 'true'], 1, () => 'the input device is not a TTY'],
];

function suite(client: DockerClient): void {
  let daemon: TestDaemon;
  let docker: ReturnType<typeof dockerCli>;
  const ids: Ids = { taken: '', running: '', user: '' };

  before(async () => {
    daemon = await startTestDaemon();
    docker = dockerCli(daemon.dockerHost, {}, client.binary);
    const tar = makeBusyboxTar();
    try {
      await ok(docker(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', tar, IMG]));
    } finally {
      rmSync(dirname(tar), { recursive: true, force: true });
    }
    ids.taken = await ok(docker(['create', '--name', 'taken', IMG, 'sleep', '300']));
    ids.running = await ok(docker(['run', '-d', '--name', 'running', IMG, 'sleep', '300']));
    await ok(docker(['network', 'create', 'errnet']));
    await ok(docker(['volume', 'create', 'errvol']));
    ids.user = await ok(docker(['run', '-d', '--name', 'user', '-v', 'errvol:/v', IMG, 'sleep', '300']));
  });

  after(() => daemon?.stop());

  for (const [args, code, modern, old] of CASES) {
    test(`docker ${args.join(' ')}`, async () => {
      const r = await docker(args);
      const want = (client.major >= 25 || !old ? modern : old)(ids);
      assert.deepEqual([r.code, r.stderr.trim()], [code, want]);
    });
  }

  test('exec of a missing command: Docker\'s runtime message on stdout, exit code 126', async () => {
    const r = await docker(['exec', 'running', 'nosuchcmd']);
    assert.equal(r.code, 126);
    assert.match(r.stdout, /^OCI runtime exec failed: .*exec: "nosuchcmd": executable file not found in \$PATH.*\r\n$/);
    assert.equal(r.stderr, '');
  });

  test('nothing was left half-made by the failed commands', async () => {
    assert.equal(await ok(docker(['ps', '-a', '--format', '{{.Names}}'])), 'user\nrunning\ntaken');
    assert.equal((await ok(docker(['images', '-q']))).split('\n').length, 1);
  });
}

for (const client of CLIENTS) describe(`${client.label}: error messages`, { skip: client.skip }, () => suite(client));

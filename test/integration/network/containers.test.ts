// Issue 5's proof with real containers (berth CLI → berthd → runc): two containers on a user network
// fetch each other's HTTP by name, not across networks (until connected, when /etc/hosts follows);
// aliases round-robin; --internal has no way out; TCP and UDP ports published on 127.0.0.1; a taken
// port is one clear error; a berthd restart keeps networks, addresses and volumes, and never hands
// out an address twice. At the end nothing of the daemon is left on the host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { get } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berthCli, startTestDaemon, type TestDaemon } from '../../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../../helpers/busybox.js';
import { leftovers, scrub } from './fixture.js';
import { hostNames } from '../../../src/engine/network/names.js';
import { linksWithPrefix, linkExists } from '../../../src/engine/network/links.js';
import { run } from '../../../src/engine/network/exec.js';

const IMG = 'netbox:latest';
let daemon: TestDaemon;
let work: string;

before(async () => {
  daemon = await startTestDaemon();
  work = mkdtempSync(join(tmpdir(), 'berth-netctr-'));
  await ok(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, '--change', 'CMD ["sh"]', makeBusyboxTar(join(work, 'busybox.tar')), IMG]);
});

after(async () => {
  if (daemon) {
    const ids = (await berth(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await berth(['rm', '-f', '-v', ...ids]);
    await berth(['network', 'prune', '-f']);
    await berth(['volume', 'prune', '-af']);
    await daemon.stop();
    const left = await leftovers(daemon.dataRoot);
    await scrub(daemon.dataRoot);
    assert.deepEqual(left, [], 'no bridge, veth or nft table of the daemon is left');
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const { berth, ok } = berthCli(() => daemon);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const web = (name: string, ...flags: string[]) => ok(['run', '-d', '--name', name, ...flags, IMG, 'sh', '-c',
  `mkdir -p /www && echo ${name} > /www/index.html && exec httpd -f -p 80 -h /www`]);
const ipOn = async (c: string, net: string): Promise<string> =>
  (JSON.parse(await ok(['inspect', '-f', '{{json .NetworkSettings.Networks}}', c])) as Record<string, { IPAddress: string }>)[net]?.IPAddress ?? '';
/** wget from inside a container; '' when it fails. httpd may need a moment to listen: retried. */
async function fetchIn(c: string, url: string, tries = 20): Promise<string> {
  for (let i = 0; i < tries; i++) {
    // busybox's wget crashes with -T here: timeout(1) bounds it instead.
    const r = await berth(['exec', c, 'timeout', '3', 'wget', '-q', '-O', '-', url]);
    if (r.code === 0) return r.stdout.trim();
    if (i < tries - 1) await sleep(150);
  }
  return '';
}
function httpGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path: '/index.html', timeout: 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => { body += s; }).on('end', () => resolve(body));
    });
    req.on('timeout', () => req.destroy(new Error('timeout'))).on('error', reject);
  });
}
const freePort = () => 20000 + Math.floor(Math.random() * 20000);

test('two containers fetch each other by name; not across networks until connected, /etc/hosts follows', async () => {
  await ok(['network', 'create', 'pa']);
  await ok(['network', 'create', 'pb']);
  await web('w1', '--network', 'pa');
  await web('w2', '--network', 'pa');
  await web('far', '--network', 'pb');
  assert.equal(await fetchIn('w1', 'http://w2/'), 'w2');
  assert.equal(await fetchIn('w2', 'http://w1/'), 'w1');
  const farIp = await ipOn('far', 'pb');
  assert.equal(await fetchIn('w1', 'http://far/', 1), '', 'a name on another network is not answered');
  assert.equal(await fetchIn('w1', `http://${farIp}/`, 1), '', 'an address on another network is not reachable');

  await ok(['network', 'connect', 'pb', 'w1']);
  const w1OnB = await ipOn('w1', 'pb');
  assert.match(await ok(['exec', 'w1', 'cat', '/etc/hosts']), new RegExp(`^${w1OnB.replace(/\./g, '\\.')}\\t`, 'm'), 'connect adds the new address to /etc/hosts');
  assert.equal(await fetchIn('w1', 'http://far/'), 'far', 'a container on two networks reaches both');
  await ok(['network', 'disconnect', 'pb', 'w1']);
  assert.doesNotMatch(await ok(['exec', 'w1', 'cat', '/etc/hosts']), new RegExp(w1OnB.replace(/\./g, '\\.')), 'disconnect removes it');
  assert.equal(await fetchIn('w1', `http://${farIp}/`, 1), '');
  await ok(['rm', '-f', 'w1', 'w2', 'far']);
  assert.deepEqual(await linksWithPrefix(hostNames(daemon.dataRoot).vethPrefix), [], 'rm takes the veths of its containers');
  const bridges = [await ok(['network', 'inspect', '-f', '{{.Id}}', 'pa']), await ok(['network', 'inspect', '-f', '{{.Id}}', 'pb'])].map((id) => hostNames(daemon.dataRoot).bridge(id));
  await ok(['network', 'rm', 'pa', 'pb']);
  for (const b of bridges) assert.equal(await linkExists(b), false, `network rm takes its bridge ${b}`);
});

test('a network alias shared by two containers is answered with both, rotating; PTR names the container', async () => {
  await ok(['network', 'create', 'pal']);
  await web('r1', '--network', 'pal', '--network-alias', 'svc');
  await web('r2', '--network', 'pal', '--network-alias', 'svc');
  const want = [await ipOn('r1', 'pal'), await ipOn('r2', 'pal')].sort();
  const firsts = new Set<string>();
  for (let i = 0; i < 6; i++) {
    const out = await ok(['run', '--rm', '--network', 'pal', IMG, 'nslookup', 'svc']);
    const addrs = [...out.matchAll(/Address:\s*(\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).filter((a) => want.includes(a));
    assert.deepEqual([...addrs].sort(), want, out);
    firsts.add(addrs[0]);
  }
  assert.equal(firsts.size, 2, 'the first answer rotates');
  const ptr = await ok(['run', '--rm', '--network', 'pal', IMG, 'nslookup', want[0]]);
  assert.match(ptr, /in-addr\.arpa\s+name = r[12]\.pal$/m, `a reverse lookup names the container and its network: ${ptr}`);
  const bodies = new Set<string>();
  for (let i = 0; i < 6; i++) bodies.add(await ok(['run', '--rm', '--network', 'pal', IMG, 'wget', '-q', '-O', '-', 'http://svc/']));
  assert.ok(bodies.size >= 1 && [...bodies].every((b) => b === 'r1' || b === 'r2'));
  await ok(['rm', '-f', 'r1', 'r2']);
  await ok(['network', 'rm', 'pal']);
});

test('legacy --link on the default bridge: the alias in /etc/hosts; a missing target fails the start', async () => {
  await web('linked');
  const ip = await ipOn('linked', 'bridge');
  assert.equal(await ok(['run', '--rm', '--link', 'linked:db', IMG, 'sh', '-c', 'grep -E "\\sdb linked$" /etc/hosts; timeout 3 wget -q -O - http://db/']), `${ip}\tdb linked\nlinked`);
  const bad = await berth(['run', '--rm', '--link', 'nosuch:db', IMG, 'true']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /Cannot link to a non running container: \/nosuch AS \/[^/]+\/db/);
  await ok(['rm', '-f', 'linked']);
});

test('--internal: peers reach each other, nothing else is reachable', async () => {
  await ok(['network', 'create', '--internal', 'pint']);
  await ok(['network', 'create', 'pout']);
  await web('in1', '--network', 'pint');
  await web('out1', '--network', 'pout');
  assert.equal(await ok(['network', 'inspect', '-f', '{{.Internal}}', 'pint']), 'true');
  assert.equal(await fetchIn('in1', 'http://in1/'), 'in1');
  const r = await ok(['run', '--rm', '--network', 'pint', IMG, 'sh', '-c', 'ip route | grep -c ^default; timeout 3 wget -q -O - http://in1/']);
  assert.equal(r, '0\nin1');
  assert.equal(await ok(['run', '--rm', '--network', 'pout', IMG, 'sh', '-c', 'ip route | grep -c ^default']), '1', 'a normal network has a way out');
  const gw = await ok(['network', 'inspect', '-f', '{{range .IPAM.Config}}{{.Gateway}}{{end}}', 'pout']);
  assert.equal(await fetchIn('in1', `http://${await ipOn('out1', 'pout')}/`, 1), '');
  assert.notEqual((await berth(['exec', 'in1', 'ping', '-c', '1', '-W', '1', gw])).code, 0, 'no route out of an internal network');
  await ok(['rm', '-f', 'in1', 'out1']);
  await ok(['network', 'rm', 'pint', 'pout']);
});

test('TCP and UDP ports published on 127.0.0.1; a taken port is one clear error', async () => {
  const tcp = freePort();
  const udp = tcp + 1;
  await web('pub', '-p', `127.0.0.1:${tcp}:80`);
  // busybox has no UDP server: the host's node (its libraries bound read-only) echoes datagrams.
  await ok(['run', '-d', '--name', 'udp', '-p', `127.0.0.1:${udp}:5000/udp`, '-v', '/usr/lib:/lib:ro', '-v', '/usr/lib64:/lib64:ro', '-v', `${process.execPath}:/node:ro`,
    IMG, '/node', '-e', "const s = require('dgram').createSocket('udp4'); s.on('message', (m, r) => s.send(m, r.port, r.address)); s.bind(5000)"]);
  let body = '';
  for (let i = 0; i < 50 && !body; i++) body = await httpGet(tcp).catch(async () => { await sleep(100); return ''; });
  assert.equal(body, 'pub\n');
  assert.equal(await ok(['port', 'udp']), `5000/udp -> 127.0.0.1:${udp}`);
  const sock = createSocket('udp4');
  let echoed = '';
  sock.on('message', (m) => { echoed = m.toString(); });
  try {
    for (let i = 0; i < 50 && !echoed; i++) {
      sock.send('ping-udp', udp, '127.0.0.1');
      await sleep(100);
    }
  } finally {
    sock.close();
  }
  assert.equal(echoed, 'ping-udp');

  const clash = await berth(['run', '-d', '--name', 'clash', '-p', `127.0.0.1:${tcp}:80`, IMG, 'sleep', '60']);
  assert.equal(clash.code, 125);
  assert.match(clash.stderr, new RegExp(`127\\.0\\.0\\.1:${tcp}.*already allocated`));
  assert.doesNotMatch(clash.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(await ok(['inspect', '-f', '{{.State.Running}}', 'clash']), 'false');
  assert.equal(await httpGet(tcp), 'pub\n', 'the first container keeps its port');
  await ok(['rm', '-f', 'pub', 'udp', 'clash']);
  await assert.rejects(httpGet(tcp), 'the port is freed with its container');
});

test('a berthd restart keeps networks, addresses and volumes; an address is never handed out twice', async () => {
  await ok(['network', 'create', 'keep']);
  const netId = await ok(['network', 'inspect', '-f', '{{.Id}} {{range .IPAM.Config}}{{.Subnet}}{{end}}', 'keep']);
  await web('stay', '--network', 'keep', '-v', 'keepvol:/data');
  await ok(['exec', 'stay', 'sh', '-c', 'echo persisted > /data/f']);
  const stayIp = await ipOn('stay', 'keep');
  await ok(['run', '-d', '--name', 'brief', '--network', 'keep', IMG, 'sleep', '60']);
  const briefIp = await ipOn('brief', 'keep');
  await ok(['rm', '-f', 'brief']);

  // Leftovers: one named as this daemon names its veths (as after a crash), one that is not berth's.
  const own = `${hostNames(daemon.dataRoot).vethPrefix}zzzz`;
  const foreign = `nvx${Math.random().toString(16).slice(2, 8)}`;
  for (const l of [own, foreign]) assert.equal((await run('ip', ['link', 'add', l, 'type', 'bridge'])).code, 0);
  try {
    await daemon.restart();
    assert.equal(await linkExists(own), false, 'a restarted daemon reclaims what it owns');
    assert.equal(await linkExists(foreign), true, 'and never touches what it does not own');
  } finally {
    for (const l of [own, foreign]) await run('ip', ['link', 'del', l]);
  }

  assert.equal(await ok(['network', 'inspect', '-f', '{{.Id}} {{range .IPAM.Config}}{{.Subnet}}{{end}}', 'keep']), netId);
  assert.equal(await ok(['inspect', '-f', '{{.State.Running}}', 'stay']), 'true');
  assert.equal(await ipOn('stay', 'keep'), stayIp);
  assert.equal(await ok(['run', '--rm', '--network', 'keep', IMG, 'wget', '-q', '-O', '-', 'http://stay/']), 'stay');
  await ok(['run', '-d', '--name', 'next', '--network', 'keep', IMG, 'sleep', '60']);
  const nextIp = await ipOn('next', 'keep');
  assert.ok(![stayIp, briefIp].includes(nextIp), `after a restart ${nextIp} is neither a used address nor one just released`);
  assert.equal(await ok(['run', '--rm', '-v', 'keepvol:/data', IMG, 'cat', '/data/f']), 'persisted');
  await ok(['rm', '-f', 'stay', 'next']);
  await ok(['network', 'rm', 'keep']);
  await ok(['volume', 'rm', 'keepvol']);
});

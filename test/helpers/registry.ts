// A real OCI registry for tests: Debian's docker-registry (distribution 2.x) on 127.0.0.1 at a free
// port, its storage and config in a temp dir, optionally behind htpasswd (bcrypt) basic auth or
// bearer tokens from a token server (test/helpers/token-server.ts).
// Stopped and removed by the caller, even when a test fails.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestRegistry { host: string; dir: string; storage: string; stop(): Promise<void> }

export function registryAvailable(): string | null {
  for (const bin of ['docker-registry', 'htpasswd']) {
    try { execFileSync('which', [bin], { stdio: 'ignore' }); } catch { return `${bin} is not installed (apt-get install docker-registry apache2-utils)`; }
  }
  return null;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(port, '127.0.0.1', () => { c.destroy(); resolve(true); });
    c.on('error', () => resolve(false));
  });
}

/** distribution's `auth: token:` settings: tokens from `realm`, signed by a certificate in `rootCertBundle`. */
export interface RegistryTokenAuth { realm: string; service: string; issuer: string; rootCertBundle: string }

export async function startRegistry(opts: { user?: string; password?: string; token?: RegistryTokenAuth } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const storage = join(dir, 'storage');
  const port = await freePort();
  const t = opts.token;
  const auth = t
    ? `auth:\n  token:\n    realm: ${t.realm}\n    service: ${t.service}\n    issuer: ${t.issuer}\n    rootcertbundle: ${t.rootCertBundle}\n`
    : opts.user
      ? `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`
      : '';
  if (opts.user) execFileSync('htpasswd', ['-Bbc', join(dir, 'htpasswd'), opts.user, opts.password ?? '']);
  writeFileSync(join(dir, 'config.yml'), `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${auth}`);
  const logFd = openSync(join(dir, 'registry.log'), 'a');
  const child: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200; i++) {
    if (await answers(port)) return { host: `127.0.0.1:${port}`, dir, storage, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = readFileSync(join(dir, 'registry.log'), 'utf8');
  await stop();
  throw new Error(`docker-registry did not start:\n${log}`);
}

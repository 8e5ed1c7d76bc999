// Test network namespaces standing in for containers: `ip netns add berthtest-...`, processes run
// inside with `ip netns exec` (busybox httpd, wget, nslookup; node), a resolv.conf of their own
// through /etc/netns/<name>/, and cleanup that kills what was started and deletes the namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run } from '../../../src/engine/network/exec.js';

export const BUSYBOX = '/bin/busybox';

export class TestNs {
  readonly path: string;
  private readonly procs: ChildProcess[] = [];
  private constructor(readonly name: string, readonly www: string) { this.path = `/run/netns/${name}`; }

  static async create(tag: string): Promise<TestNs> {
    const name = `berthtest-${tag}-${randomBytes(3).toString('hex')}`;
    const r = await run('ip', ['netns', 'add', name]);
    if (r.code !== 0) throw new Error(`ip netns add: ${r.stderr}`);
    const www = await mkdtemp(join(tmpdir(), 'berthtest-www-'));
    await writeFile(join(www, 'index.html'), `${tag}\n`);
    await run('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
    return new TestNs(name, www);
  }

  exec(args: string[], input?: string) { return run('ip', ['netns', 'exec', this.name, ...args], input); }

  /** Starts a long-running process in the namespace; killed at cleanup. */
  spawn(args: string[]): ChildProcess {
    const p = spawn('ip', ['netns', 'exec', this.name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.procs.push(p);
    return p;
  }

  async httpd(port = 80): Promise<void> {
    this.spawn([BUSYBOX, 'httpd', '-f', '-p', String(port), '-h', this.www]);
    await new Promise((r) => setTimeout(r, 150));
  }

  /** Body fetched with busybox wget from inside, or null when it fails within `timeout` seconds. */
  async wget(url: string, timeout = 2): Promise<string | null> {
    // busybox 1.35's wget crashes with -T: the timeout comes from coreutils' timeout instead.
    const r = await this.exec(['timeout', String(timeout), BUSYBOX, 'wget', '-q', '-O', '-', url]);
    return r.code === 0 ? r.stdout : null;
  }

  async setResolver(nameserver: string): Promise<void> {
    await mkdir(`/etc/netns/${this.name}`, { recursive: true });
    await writeFile(`/etc/netns/${this.name}/resolv.conf`, `nameserver ${nameserver}\n`);
  }

  async cleanup(): Promise<void> {
    for (const p of this.procs) if (p.exitCode === null) p.kill('SIGKILL');
    await run('ip', ['netns', 'pids', this.name]).then(async (r) => {
      for (const pid of r.stdout.split('\n').filter(Boolean)) await run('kill', ['-9', pid]);
    });
    await run('ip', ['netns', 'del', this.name]);
    await rm(`/etc/netns/${this.name}`, { recursive: true, force: true });
    await rm(this.www, { recursive: true, force: true });
  }
}

/** Addresses from the A records busybox nslookup printed. */
export function nslookupAddresses(out: string): string[] {
  const after = out.split(/Name:\s+\S+/).slice(1).join('\n');
  return [...after.matchAll(/Address(?: \d+)?:\s+(\d+\.\d+\.\d+\.\d+)/g)].map((m) => m[1]!);
}

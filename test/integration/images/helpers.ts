// Shared set-up for the image store's integration tests: a store in its own temp data root,
// a fake container table for rmi's checks, small tars built in memory, and cleanup of mounts.
import { mkdtempSync, rmSync, readFileSync, createReadStream } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { pack as tarPack, type Header } from 'tar-stream';
import { EventBus } from '../../../src/engine/events/bus.js';
import type { EngineEvent } from '../../../src/engine/types.js';
import { openImageStore, type ImageStore } from '../../../src/engine/images/index.js';
import { makeBusyboxTar } from '../../helpers/busybox.js';

export interface TestStore {
  store: ImageStore;
  root: string;
  events: EngineEvent[];
  /** image id → container ids using it (what the container service would answer). */
  users: Map<string, string[]>;
  running: Set<string>;
  reopen(): Promise<ImageStore>;
}

/** Unmounts everything under `dir` (deepest first), then deletes it. */
export function cleanupDir(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4]).filter((p): p is string => !!p && p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) {
    try { execFileSync('umount', [m]); } catch { execFileSync('umount', ['-l', m]); }
  }
  rmSync(dir, { recursive: true, force: true });
}

export async function newStore(t: TestContext | { after(fn: () => void): void }, name = 'berth-images-'): Promise<TestStore> {
  const root = mkdtempSync(join(tmpdir(), name));
  t.after(() => cleanupDir(root));
  const bus = new EventBus();
  const events: EngineEvent[] = [];
  const ac = new AbortController();
  t.after(() => ac.abort());
  void (async () => { for await (const e of bus.subscribe({ signal: ac.signal })) events.push(e); })();
  const users = new Map<string, string[]>();
  const running = new Set<string>();
  const open = () => openImageStore({
    dataRoot: root,
    events: bus,
    containersUsing: async (id) => users.get(id) ?? [],
    containerRunning: async (c) => running.has(c),
  });
  const ts: TestStore = { store: await open(), root, events, users, running, reopen: async () => (ts.store = await open()) };
  return ts;
}

let busyboxTar: string | undefined;
/** One busybox rootfs tar per test process, removed at exit. */
export function busybox(): string {
  if (!busyboxTar) {
    busyboxTar = makeBusyboxTar();
    const dir = dirname(busyboxTar);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return busyboxTar;
}

export const busyboxStream = () => createReadStream(busybox());

export type TarEntry = Partial<Header> & { name: string; data?: string | Buffer };

/** A tar built in memory from entries (small test layers). */
export async function tarBuffer(entries: TarEntry[]): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  // Read while writing: the pack holds back entry callbacks until it is drained.
  const reading = (async () => { for await (const c of p) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const { data, ...h } of entries) {
    await new Promise<void>((res, rej) => {
      const hdr = { mode: h.type === 'directory' ? 0o755 : 0o644, mtime: new Date(1_600_000_000_000), ...h };
      if (data !== undefined) p.entry(hdr, data, (e) => (e ? rej(e) : res()));
      else p.entry(hdr, (e) => (e ? rej(e) : res()));
    });
  }
  p.finalize();
  await reading;
  return Buffer.concat(chunks);
}

export const sha256 = (b: Buffer | string) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function readAll(r: Readable | AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

export const streamOf = (b: Buffer) => Readable.from([b]);

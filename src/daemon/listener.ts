// The daemon's socket: refuse to start when another daemon answers on it, clear a stale one,
// and make it root-only (0660) before anyone can connect.
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import { failedPrecondition } from '../common/errors.js';
import type { ListenAddress } from './flags.js';

/** true when something accepts connections on the unix socket at `path`. */
export function socketAnswers(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (v: boolean) => { clearTimeout(t); s.destroy(); resolve(v); };
    const t = setTimeout(() => done(true), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export async function prepareUnixSocket(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o711 });
  if (await socketAnswers(path)) throw failedPrecondition(`another daemon is already listening on ${path}`);
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

export async function listen(server: Server, addr: ListenAddress): Promise<string> {
  if (addr.kind === 'unix') await prepareUnixSocket(addr.path);
  // Created with a umask that leaves no access to others; chmod then sets exactly 0660.
  const oldMask = process.umask(0o117);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      if (addr.kind === 'unix') server.listen(addr.path, () => { server.off('error', reject); resolve(); });
      else server.listen(addr.port, addr.host, () => { server.off('error', reject); resolve(); });
    });
  } finally {
    process.umask(oldMask);
  }
  if (addr.kind === 'unix') {
    await chmod(addr.path, 0o660);
    return `unix://${addr.path}`;
  }
  const a = server.address();
  const port = a && typeof a === 'object' ? a.port : addr.port;
  return `tcp://${addr.host}:${port}`;
}

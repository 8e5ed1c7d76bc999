// The embedded default (DESIGN.md): when nothing answers on the default socket, start berthd in
// the background (the bundle beside this CLI), logging under the data root, and wait for it.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unavailable } from '../common/errors.js';

const LOG_FILE = '/var/lib/berth/berthd.log';

function daemonEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/berth.cjs has dist/berthd.js beside it; from sources (tsx) look in the checkout's dist/.
  const candidates = [join(here, 'berthd.js'), join(here, '..', '..', 'dist', 'berthd.js')];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw unavailable('no engine is running and berthd was not found next to the CLI (run `node scripts/build.mjs`)');
  return found;
}

export async function startEmbeddedDaemon(socketPath: string, ping: () => Promise<unknown>, timeoutMs = 15000): Promise<void> {
  mkdirSync(dirname(LOG_FILE), { recursive: true });
  const log = openSync(LOG_FILE, 'a');
  try {
    // bin/berth runs the CLI without NODE_EXTRA_CA_CERTS (start-up cost); berthd pulls over TLS and needs it.
    const { BERTH_EXTRA_CA_CERTS: extraCa, ...env } = process.env;
    if (extraCa) env.NODE_EXTRA_CA_CERTS = extraCa;
    const child = spawn(process.execPath, [daemonEntry(), '-H', `unix://${socketPath}`], { detached: true, stdio: ['ignore', log, log], env });
    child.unref();
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await ping();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw unavailable(`berthd did not answer on unix://${socketPath} within ${timeoutMs / 1000}s (see ${LOG_FILE})`, { cause: String(last) });
}

// berthd: parses its flags, builds the engine and serves the Docker Engine API on its socket.
// SIGTERM/SIGINT stop serving; containers keep running under their monitors.
import { mkdir, unlink } from 'node:fs/promises';
import { createApiServer } from '../api/server/server.js';
import { BERTH_VERSION } from '../api/server/handlers/system.js';
import { asBerthError } from '../common/errors.js';
import { listenAddress, metricsAddress, parseFlags, USAGE } from './flags.js';
import { RequestMetrics } from '../api/server/metrics/request-metrics.js';
import { createMetricsServer } from '../api/server/metrics/metrics-server.js';
import { listen, prepareUnixSocket } from './listener.js';
import { makeLogger } from './logger.js';
import { openEngine } from './open-engine.js';
import { removePidfile, writePidfile } from './pidfile.js';

async function main(): Promise<number> {
  const flags = parseFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`berthd version ${BERTH_VERSION}\n`);
    return 0;
  }
  const log = makeLogger({ level: flags.logLevel, format: flags.logFormat });
  const addr = listenAddress(flags.host);
  // Before touching any state: another daemon on this socket owns it.
  if (addr.kind === 'unix') await prepareUnixSocket(addr.path);
  await mkdir(flags.execRoot, { recursive: true, mode: 0o711 });
  await mkdir(flags.dataRoot, { recursive: true, mode: 0o711 });
  const pidfile = await writePidfile(flags.execRoot);

  const engine = await openEngine({ dataRoot: flags.dataRoot, execRoot: flags.execRoot, runtime: flags.runtime, insecureRegistries: flags.insecureRegistries, log });
  const requests = flags.metricsAddr ? new RequestMetrics() : undefined;
  const api = createApiServer(engine, log, { requests });
  const metrics = requests ? createMetricsServer(engine, requests, log) : undefined;
  let url: string;
  try {
    url = await listen(api.server, addr);
    if (metrics) {
      const { host, port } = metricsAddress(flags.metricsAddr);
      const at = await listen(metrics, { kind: 'tcp', host, port });
      log('info', 'serving Prometheus metrics', { url: `${at.replace(/^tcp:/, 'http:')}/metrics` });
    }
  } catch (e) {
    api.server.close();
    metrics?.close();
    await engine.shutdown();
    await removePidfile(pidfile);
    throw e;
  }
  log('info', 'berthd is serving the Docker Engine API', { host: url, pid: process.pid, dataRoot: flags.dataRoot, execRoot: flags.execRoot });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log('info', 'shutting down; containers keep running', { signal });
      void (async () => {
        try {
          metrics?.close();
          await api.close();
          await engine.shutdown();
        } catch (e) {
          log('error', 'shutdown failed', { error: asBerthError(e).message });
        }
        if (addr.kind === 'unix') await unlink(addr.path).catch(() => undefined);
        await removePidfile(pidfile);
        resolve(0);
      })();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    process.on('SIGHUP', () => log('info', 'SIGHUP ignored'));
    process.on('unhandledRejection', (e) => log('error', 'unhandled rejection', { error: asBerthError(e).message }));
    // One broken stream must not take the API down for every client: containers run on regardless,
    // and the engine's state on disk is written atomically.
    process.on('uncaughtException', (e) => log('error', 'uncaught exception', { error: e.message, stack: e.stack }));
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`berthd: ${asBerthError(e).message}\n`);
    process.exit(1);
  },
);

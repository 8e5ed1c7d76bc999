// Measures `docker run --rm IMG true` with the real docker CLI against a fresh test berthd:
// npx tsx test/compat/run-latency.ts [runs]  → prints the median, min and max in ms.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { startTestDaemon } from '../helpers/daemon.js';
import { makeBusyboxTar, BUSYBOX_PATH } from '../helpers/busybox.js';
import { dockerCli, ok } from './docker-cli.js';

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 20);
  const daemon = await startTestDaemon({ logLevel: 'info' });
  const tar = makeBusyboxTar();
  try {
    const docker = dockerCli(daemon.dockerHost);
    await ok(docker(['import', '--change', `ENV PATH=${BUSYBOX_PATH}`, tar, 'bench:latest']));
    await ok(docker(['run', '--rm', 'bench', 'true'])); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      await ok(docker(['run', '--rm', 'bench', 'true']));
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    const median = times.length % 2 ? times[(times.length - 1) / 2] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    const docker28 = execFileSync('/usr/local/bin/docker', ['--version'], { encoding: 'utf8' }).trim();
    console.log(JSON.stringify({ what: 'docker run --rm IMG true → berthd', client: docker28, runs, medianMs: Math.round(median), minMs: Math.round(times[0]), maxMs: Math.round(times[times.length - 1]) }));
  } finally {
    await daemon.stop();
    rmSync(dirname(tar), { recursive: true, force: true });
  }
}

void main();

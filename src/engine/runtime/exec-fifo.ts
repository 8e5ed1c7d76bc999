// `crun start` without the process: what crun 1.8's start does for a container with no poststart
// hooks and no notify socket (berth's bundles have neither), done by berthd itself. The container's
// init waits in `select` on the read end of `<state dir>/exec.fifo`; start opens the write end,
// unlinks the fifo (from then on crun reports the container "running") and writes one byte. That is
// ~0.3 ms of file calls instead of a fork + exec of crun (~8 ms on the start path). Whether the
// installed crun behaves so is checked at daemon start (oci-runtime.ts), not assumed.
import { open, unlink } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { internal } from '../../common/errors.js';

export async function startThroughExecFifo(stateRoot: string, id: string): Promise<void> {
  const fifo = join(stateRoot, id, 'exec.fifo');
  let fh;
  try {
    // O_NONBLOCK: with no reader (the init died) the open fails with ENXIO instead of hanging.
    fh = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw internal(`crun start: container \`${id}\` is not in created state`);
    if (code === 'ENXIO') throw internal(`crun start: container \`${id}\` is not running`);
    throw internal(`crun start: cannot open ${fifo}: ${(e as Error).message}`);
  }
  try {
    await unlink(fifo);
    await fh.write(Buffer.alloc(1));
  } finally {
    await fh.close();
  }
}

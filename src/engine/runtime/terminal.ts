// Terminal resize for a conmon-owned pty: conmon reads "<type> <height> <width>\n" lines from the
// `ctl` fifo in the bundle directory (type 1 = resize) and sets the pty's window size.
import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import { conflict } from '../../common/errors.js';

export async function resizeTerminal(bundleDir: string, cols: number, rows: number): Promise<void> {
  let fh;
  try {
    fh = await open(join(bundleDir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK);
  } catch {
    throw conflict('cannot resize: the process is not running with a terminal');
  }
  try {
    await fh.write(`1 ${Math.max(0, Math.floor(rows))} ${Math.max(0, Math.floor(cols))}\n`);
  } finally {
    await fh.close();
  }
}

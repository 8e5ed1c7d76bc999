// Child process for the crash test: imports a tar into a store and says when half of it has gone in,
// so the parent can SIGKILL it mid-import.
import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { EventBus } from '../../../src/engine/events/bus.js';
import { openImageStore } from '../../../src/engine/images/index.js';

const [root, tar, halfBytes] = process.argv.slice(2);
const store = await openImageStore({ dataRoot: root, events: new EventBus(), containersUsing: async () => [] });
let seen = 0;
let told = false;
const counter = new PassThrough({
  transform(chunk: Buffer, _enc, cb) {
    seen += chunk.length;
    if (!told && seen >= Number(halfBytes)) {
      told = true;
      process.stdout.write('half\n');
      // Stall here so the parent's SIGKILL lands mid-layer.
      setTimeout(() => cb(null, chunk), 60_000);
      return;
    }
    cb(null, chunk);
  },
});
createReadStream(tar, { highWaterMark: 16 * 1024 }).pipe(counter);
await store.import(counter, { ref: 'crashed' });
process.stdout.write('done\n');

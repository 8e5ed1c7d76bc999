// Child process for the survival test: opens an engine on the given root, starts a container that
// keeps printing, reports its id on stdout, then waits to be killed with SIGKILL.
import { openTestEngine, spec } from './harness.js';

const root = process.argv[2];
const t = await openTestEngine(root);
const { id } = await t.engine.containers.create(spec(['sh', '-c', 'i=0; while [ $i -lt 30 ]; do echo tick $i; i=$((i+1)); sleep 0.2; done; exit 42'], { name: 'survivor' }));
await t.engine.containers.start(id);
const { id: id2 } = await t.engine.containers.create(spec(['sh', '-c', 'echo bye; exit 9'], { name: 'dies-while-down' }));
const { result } = await t.engine.containers.wait(id2, 'next-exit');
await t.engine.containers.start(id2);
await result;
// A --rm container whose `removed` was answered but whose clean-up (runtime state, rootfs, bundle,
// exit file, record) never ran: what a berthd killed right after the answer leaves.
const lc = (t.engine.containers as unknown as { lc: { finishRemoval: () => void } }).lc;
lc.finishRemoval = () => undefined;
const { id: id3 } = await t.engine.containers.create(spec(['sh', '-c', 'exit 5'], { name: 'removed-while-down' }, { autoRemove: true }));
const removed = await t.engine.containers.wait(id3, 'removed');
await t.engine.containers.start(id3);
await removed.result;
// The second one exits; mark it running again on disk as if berthd died before recording the exit.
process.stdout.write(`${id} ${id2} ${id3}\n`);
setInterval(() => undefined, 1000);

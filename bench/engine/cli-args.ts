// What every side-by-side bench script needs from its process: its flags, and cleanups that run
// last-in first-out, once, on normal exit, on error and on SIGINT/SIGTERM (daemons, containers,
// mounts, bridges and temp dirs must not outlive an interrupted run).

/** The value after `--name` on the command line, if given. */
export function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Whether the switch `--name` is on the command line. */
export const hasFlag = (name: string): boolean => process.argv.includes(name);

/** Push a cleanup as soon as the thing it undoes exists. */
export const cleanups: Array<() => Promise<void> | void> = [];

let cleaning: Promise<void> | undefined;
/** Runs the cleanups (once; later calls get the same promise). A failing one does not stop the rest. */
export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) {
      try { await c(); } catch (e) { console.error(`cleanup: ${(e as Error).message}`); }
    }
  })();
  return cleaning;
}

let interrupted = false;
/** Called between samples and steps: after a signal the run stops there (cleanup is under way). */
export function checkpoint(): void {
  if (interrupted) throw new Error('interrupted');
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    interrupted = true;
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

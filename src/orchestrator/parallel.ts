// `--parallel N` (and COMPOSE_PARALLEL_LIMIT): at most N container operations (create, start,
// stop, remove...) in flight against the engine at once; unlimited by default, as in Compose.
// One limit per process: the CLI sets it once before a verb runs.
let limit = Infinity;
let active = 0;
const waiting: (() => void)[] = [];

/** N > 0 limits; -1 (or 0) is unlimited. */
export function setParallelLimit(n: number): void {
  limit = n > 0 ? n : Infinity;
}

/** Runs `fn` when a slot is free. Never nest: an operation inside another would wait for itself. */
export async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= limit) await new Promise<void>((r) => waiting.push(r));
  active++;
  try {
    return await fn();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

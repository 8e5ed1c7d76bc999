// Durations written as Go's time.Duration prints them ("500ms", "1s", "1.5s", "2m0s"): Docker's
// probe timeout message carries one, and clients match on it.

export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const totalS = ms / 1000;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS % 3600) / 60);
  const s = Number((totalS % 60).toFixed(3));
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

export function timeoutOutput(ms: number, output: string): string {
  return output ? `Health check exceeded timeout (${goDuration(ms)}): ${output}` : `Health check exceeded timeout (${goDuration(ms)})`;
}

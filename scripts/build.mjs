// Bundles the CLI and the daemon into one file each: a cold `berth` start then
// parses one module instead of resolving hundreds (issue 4's start-up goal).
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CJS dependencies still call require(); give them one.
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  external: ['cpu-features', 'ssh2'],
};

await Promise.all([
  // The CLI is split: verbs and the Compose library load as chunks only when a command needs them.
  build({ ...common, entryPoints: { berth: 'src/cli/main.ts' }, outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]' }),
  build({ ...common, entryPoints: ['src/daemon/main.ts'], outfile: 'dist/berthd.js' }),
]);

// Bundles the CLI and the daemon into one file each: a cold `berth` start then
// parses one module instead of resolving hundreds (issue 4's start-up goal).
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';

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

// The CLI of an earlier layout (split ESM chunks) and V8 code caches of an earlier CLI build.
rmSync('dist/chunks', { recursive: true, force: true });
for (const f of existsSync('dist') ? readdirSync('dist') : []) {
  if (/^berth\.js(\.map)?$/.test(f) || /^berth\.cjs\..*\.cache$/.test(f)) rmSync(`dist/${f}`, { force: true });
}

// commander loads node:child_process (and with it dgram and its internals) only to run
// executable sub-commands, which berth does not have: ~0.8 ms of every call. It gets a stand-in
// that loads the module on first use.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) => (/node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined));
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents: "let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require('node:child_process'))[k] });",
      loader: 'js',
    }));
  },
};

await Promise.all([
  // The CLI is one CommonJS file, run by bin/berth-cli.cjs with a V8 code cache (docs/cli.md,
  // "Cold start"): Node 20 has no code cache for ES modules. Its verbs and the Compose library
  // are still evaluated only when a command needs them (dynamic imports become lazy inits).
  build({
    ...common, format: 'cjs', entryPoints: ['src/cli/main.ts'], outfile: 'dist/berth.cjs',
    define: { 'import.meta.url': '__berthModuleUrl' }, plugins: [lazyChildProcess],
    banner: { js: "var __berthModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({ ...common, entryPoints: ['src/daemon/main.ts'], outfile: 'dist/berthd.js' }),
]);

// The CLI bundle must be pure ASCII. esbuild escapes strings (charset 'ascii') but leaves regular
// expressions and comments as written, and a handful of characters (µ in duration units, quotes in
// js-yaml's comments) made node read the whole 880 KB file as UTF-8 into a two-byte string on every
// call: ~3.5 ms, against ~0.6 ms for ASCII. A \uXXXX escape means the same in a regular expression
// and nothing in a comment; one after a backslash would not, so that stops the build.
const cli = readFileSync('dist/berth.cjs', 'utf8');
if (/\\[^\t-\x7f]/.test(cli)) throw new Error('dist/berth.cjs: a non-ASCII character after a backslash; escape it in the source');
writeFileSync('dist/berth.cjs', cli.replace(/[^\t-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

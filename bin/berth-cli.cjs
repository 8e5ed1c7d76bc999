// Runs the CLI bundle (dist/berth.cjs) with a V8 code cache: most of a `berth` call's own start-up
// is compiling the bundle's code, and a cache made by an earlier call of the same verb skips it
// (docs/cli.md, "Cold start"). One cache per verb, so `run` gets one made by a `run` (holding
// the functions run compiles). A cache V8 rejects (another build, node or flags) is made again;
// where dist/ is not writable the CLI runs without one.
'use strict';
const { existsSync, readFileSync, writeFileSync, renameSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const Module = require('node:module');

const dist = join(__dirname, '..', 'dist');
const bundle = join(dist, 'berth.cjs');
if (!existsSync(bundle)) {
  require('node:child_process').execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'build.mjs')], { cwd: join(__dirname, '..'), stdio: 'inherit' });
}

/**
 * Every verb has a cache of its own (made by a call of that verb, so it holds what the verb
 * compiles); anything else (no verb, a mistyped one) shares 'other'. A shared cache would hold
 * only what its first caller compiled: `build` after an `import` compiled most of itself.
 */
const OWN_CACHE = new Set([
  'run', 'create', 'ps', 'start', 'stop', 'restart', 'kill', 'rm', 'pause', 'unpause', 'wait', 'rename', 'logs', 'exec', 'attach', 'top',
  'stats', 'cp', 'inspect', 'export', 'container', 'images', 'build', 'tag', 'rmi', 'history', 'import', 'load', 'save', 'pull', 'push', 'login',
  'logout', 'search', 'image', 'version', 'info', 'events', 'system', 'network', 'volume', 'port', 'update', 'compose',
]);

/** The first operand after the global options (-H, -l take a value), if it has a cache of its own. */
function verbOf(argv) {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-H' || a === '--host' || a === '-l' || a === '--log-level') i++;
    else if (!a.startsWith('-')) return OWN_CACHE.has(a) ? a : 'other';
  }
  return 'other';
}

const cacheFile = join(dist, `berth.cjs.${verbOf(process.argv.slice(2))}.cache`);
let cachedData;
try { cachedData = readFileSync(cacheFile); } catch { /* none yet */ }
const script = new Script(Module.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
const argv = process.argv.slice(2);
if ((cachedData === undefined || script.cachedDataRejected) && !argv.includes('--help') && !argv.includes('-h')) {
  // Made at exit, when the verb has compiled what it uses; written whole or not at all. Only by a
  // call that did its work (exit 0, not --help): a failed or help-only call compiles little of it.
  process.once('exit', (code) => {
    if (code !== 0) return;
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch { /* a read-only dist/: run without a cache */ }
  });
}
const mod = { exports: {}, filename: bundle, id: bundle, loaded: false };
script.runInThisContext()(mod.exports, Module.createRequire(bundle), mod, bundle, dist);

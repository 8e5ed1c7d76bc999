// POST /build: Docker's classic builder on the wire. The body is the context tar (or a lone
// Dockerfile); the answer streams JSON messages ({"stream": ...}, {"aux": {"ID": ...}}, and
// {"errorDetail": ...} when a step fails) as `DOCKER_BUILDKIT=0 docker build` expects them.
import { asBerthError, invalidArgument, notImplemented } from '../../../common/errors.js';
import type { BuildOptions } from '../../../engine/build/types.js';
import type { RegistryAuth } from '../../../engine/registry/types.js';
import { progressJson } from '../translate/progress-json.js';
import { authFromJson } from '../wire/registry-auth.js';
import { writeWithBackpressure, type Ctx } from '../context.js';

/** X-Registry-Config: base64url(JSON {registry host: AuthConfig}), as the docker CLI sends it for builds. */
function registryConfig(header: string | string[] | undefined): Record<string, RegistryAuth> | undefined {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8'));
  } catch {
    throw invalidArgument('invalid X-Registry-Config header: not base64-encoded JSON');
  }
  const out: Record<string, RegistryAuth> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [host, v] of Object.entries(parsed)) {
      const a = v && typeof v === 'object' ? authFromJson(v as Record<string, unknown>) : undefined;
      if (a) out[host] = a;
    }
  }
  return Object.keys(out).length ? out : undefined;
}

function jsonMap(raw: string | undefined, what: string): Record<string, string | null> {
  if (!raw) return {};
  try {
    const v: unknown = JSON.parse(raw);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, string | null>;
  } catch {
    /* below */
  }
  throw invalidArgument(`invalid ${what}: ${raw}`);
}

export async function build(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  if (q.str('version') === '2') throw notImplemented('BuildKit is not supported by berthd: use the classic builder (DOCKER_BUILDKIT=0)');
  if (q.str('remote')) throw notImplemented('remote build contexts are not supported: send the context as the request body');
  const labels = jsonMap(q.str('labels'), 'labels');
  const opts: BuildOptions = {
    dockerfile: q.str('dockerfile') || undefined,
    tags: q.all('t').filter(Boolean),
    buildArgs: jsonMap(q.str('buildargs'), 'buildargs'),
    target: q.str('target') || undefined,
    noCache: q.bool('nocache'),
    pull: q.bool('pull'),
    registryAuth: registryConfig(ctx.req.headers['x-registry-config']),
    labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v ?? ''])),
    networkMode: q.str('networkmode') || undefined,
    rm: q.bool('rm', true),
    forceRm: q.bool('forcerm'),
  };
  const quiet = q.bool('q');
  ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
  ctx.res.flushHeaders();
  // Messages are queued in order; each waits for the socket (backpressure) before the next.
  let chain: Promise<unknown> = Promise.resolve();
  const send = (msg: Record<string, unknown>) => {
    chain = chain.then(() => writeWithBackpressure(ctx.res, Buffer.from(JSON.stringify(msg) + '\r\n'), ctx.signal));
  };
  try {
    const result = await ctx.engine.builds.build(ctx.bodyStream(), opts, {
      stream: (text) => { if (!quiet) send({ stream: text }); },
      aux: (id) => send({ aux: { ID: id } }),
      // A FROM image pulled: Docker's JSON progress messages, as POST /images/create sends them.
      progress: (p) => { if (!quiet) send(progressJson(p) as unknown as Record<string, unknown>); },
    }, ctx.signal);
    if (quiet) send({ stream: `${result.imageId}\n` });
  } catch (e) {
    const err = asBerthError(e);
    ctx.log(err.kind === 'internal' ? 'error' : 'debug', 'build failed', { error: err.message });
    send({ errorDetail: { message: err.message }, error: err.message });
  }
  await chain;
  ctx.res.end();
}

// Exec endpoints: create, start (hijacked like attach), resize, inspect.
import { BerthError, invalidArgument } from '../../../common/errors.js';
import type { Engine } from '../../../engine/contract.js';
import type { ExecRecord, ExecSpec } from '../../../engine/types.js';
import type { Ctx } from '../context.js';
import { sendEmpty, sendJson } from '../http.js';
import { pumpSession } from '../session-pump.js';
import { strList } from '../translate/create-body.js';
import { streamMediaType } from './containers_attach.js';
import { DEFAULT_DETACH_KEYS, parseDetachKeys } from '../wire/detach-keys.js';
import { encodeFrame, STDOUT } from '../wire/frames.js';

export async function createExec(ctx: Ctx): Promise<void> {
  const body = await ctx.json<Record<string, any>>();
  const cmd = strList(body.Cmd, 'Cmd') ?? [];
  if (cmd.length === 0) throw invalidArgument('No exec command specified');
  const c = await ctx.engine.containers.get(ctx.params.id);
  const spec: ExecSpec = {
    cmd,
    env: strList(body.Env, 'Env') ?? [],
    workingDir: body.WorkingDir ? String(body.WorkingDir) : undefined,
    user: body.User ? String(body.User) : undefined,
    tty: Boolean(body.Tty),
    attachStdin: Boolean(body.AttachStdin),
    attachStdout: Boolean(body.AttachStdout),
    attachStderr: Boolean(body.AttachStderr),
    privileged: Boolean(body.Privileged),
    detachKeys: body.DetachKeys ? String(body.DetachKeys) : undefined,
  };
  const id = await ctx.engine.exec.create(c.id, spec);
  sendJson(ctx.res, 201, { Id: id });
}

/** The exit code must be readable on /exec/{id}/json before the client sees the stream end. */
async function untilExitRecorded(engine: Engine, id: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await engine.exec.get(id);
    if (!r.running && r.exitCode !== null) return;
    if (Date.now() > deadline) return;
    await new Promise((res) => setTimeout(res, 5));
  }
}

export async function startExec(ctx: Ctx): Promise<void> {
  const body = await ctx.json<Record<string, any>>();
  const rec = await ctx.engine.exec.get(ctx.params.id);
  const tty = body.Tty === undefined ? rec.spec.tty : Boolean(body.Tty);
  if (body.Detach) {
    await ctx.engine.exec.start(rec.id, { detach: true, tty });
    sendEmpty(ctx.res, 200);
    return;
  }
  const detachKeys = parseDetachKeys(rec.spec.detachKeys ?? DEFAULT_DETACH_KEYS);
  let session: Awaited<ReturnType<Engine['exec']['start']>>;
  try {
    session = await ctx.engine.exec.start(rec.id, { detach: false, tty });
  } catch (e) {
    // Docker hijacks before it starts the process, so a process that cannot start (missing or not
    // executable) is reported as text on the stream's stdout, and the exec's exit code says 126.
    if (!(e instanceof BerthError) || e.kind === 'not_found' || e.kind === 'conflict') throw e;
    const conn = ctx.hijack(streamMediaType(ctx.apiVersion, tty));
    conn.input.resume();
    const text = Buffer.from(`${e.message}\r\n`);
    await conn.write(tty ? text : encodeFrame(STDOUT, text));
    conn.end();
    return;
  }
  if (!session) {
    sendEmpty(ctx.res, 200);
    return;
  }
  const conn = ctx.hijack(streamMediaType(ctx.apiVersion, tty));
  await pumpSession(session, conn, { tty, stdin: rec.spec.attachStdin, detachKeys, log: ctx.log, beforeEnd: () => untilExitRecorded(ctx.engine, rec.id) });
}

export async function resizeExec(ctx: Ctx): Promise<void> {
  await ctx.engine.exec.resize(ctx.params.id, ctx.query.int('w') ?? 0, ctx.query.int('h') ?? 0);
  sendEmpty(ctx.res, 200);
}

export function execJson(r: ExecRecord): Record<string, unknown> {
  return {
    CanRemove: false,
    ContainerID: r.containerId,
    DetachKeys: r.spec.detachKeys ?? '',
    ExitCode: r.exitCode,
    ID: r.id,
    OpenStderr: r.spec.attachStderr,
    OpenStdin: r.spec.attachStdin,
    OpenStdout: r.spec.attachStdout,
    ProcessConfig: { arguments: r.spec.cmd.slice(1), entrypoint: r.spec.cmd[0] ?? '', privileged: r.spec.privileged, tty: r.spec.tty, user: r.spec.user ?? '' },
    Running: r.running,
    Pid: r.pid,
  };
}

export async function inspectExec(ctx: Ctx): Promise<void> {
  sendJson(ctx.res, 200, execJson(await ctx.engine.exec.get(ctx.params.id)));
}

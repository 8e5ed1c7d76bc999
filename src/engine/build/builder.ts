// The classic builder: a Dockerfile run step by step, each step an image on top of the previous
// one (a new layer when the step changed files, history only when not), looked up in the layer
// cache first. Stages, ARG scoping, ONBUILD triggers and the "Step n/m" output follow Docker's
// classic builder; docs/build.md lists the decisions.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BerthError, invalidArgument, notFound } from '../../common/errors.js';
import { parsePlatform } from '../images/image-config.js';
import type { ContainerService, ImageService, RegistryService, RootfsService } from '../contract.js';
import type { EventBus } from '../events/bus.js';
import type { BuildImageStore } from '../images/index.js';
import type { ImageRecord } from '../types.js';
import type { RegistryAuth } from '../registry/types.js';
import { BuildCache, cacheKey } from './cache.js';
import { openContext, receiveContext } from './context.js';
import { findContextSources, hashContextSources } from './context-sources.js';
import type { ContextTree } from './context-tree.js';
import { Workspace } from './workspace.js';
import { copyInto, findSources, hashSources, resolveChown, type CopySource } from './copy.js';
import { envMap, processWord, type Env } from './expander.js';
import { applyMetadata, shellOf, StepError, type StageConfig } from './metadata.js';
import { dockerfileError, parseDockerfile, parseKeyValues, splitWords, type Instruction } from './parser.js';
import { runStep } from './run-step.js';
import { scopedPath } from './scoped-path.js';
import type { BuildOptions, BuildReporter, BuildResult } from './types.js';

export interface BuildDeps {
  images: ImageService & RootfsService & BuildImageStore;
  containers: ContainerService;
  events: EventBus;
  dataRoot: string;
  /** Pulls FROM images that are not local (and all of them with --pull); absent: local images only. */
  registry?: RegistryService;
}

const KNOWN = new Set(['from', 'run', 'cmd', 'label', 'maintainer', 'expose', 'env', 'add', 'copy', 'entrypoint', 'volume', 'user', 'workdir', 'arg', 'onbuild', 'stopsignal', 'healthcheck', 'shell']);
/** Build args every build knows without an ARG; they never appear in history or cache keys. */
const PROXY_ARGS = new Set(['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']);

interface Stage extends StageConfig {
  name?: string;
  index: number;
  /** Current image of the stage; undefined while a FROM scratch stage has no step yet. */
  imageId?: string;
  /** ARGs declared in this stage with their values (undefined: declared, no value). */
  args: Map<string, string | undefined>;
}

interface StageHash { hash: string; count: number; firstIsDir: boolean }

/** Hashes of COPY --from sources by (image id, source paths); bounded, kept for berthd's lifetime. */
class StageHashes {
  private readonly known = new Map<string, StageHash>();

  async get(imageId: string, paths: string[], compute: () => Promise<StageHash>): Promise<StageHash> {
    const key = JSON.stringify([imageId, paths]);
    const hit = this.known.get(key);
    if (hit) return hit;
    const v = await compute();
    if (this.known.size >= 1000) this.known.delete(this.known.keys().next().value as string);
    this.known.set(key, v);
    return v;
  }
}

const short = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

export class BuildService {
  private readonly cache: BuildCache;
  /** COPY --from sources hashed before, by (image id, paths): images never change, so no mount is needed again. */
  private readonly stageHashes = new StageHashes();

  constructor(private readonly deps: BuildDeps) {
    this.cache = new BuildCache(join(deps.dataRoot, 'build', 'cache.json'));
  }

  async build(contextTar: Readable, opts: BuildOptions, out: BuildReporter, signal?: AbortSignal): Promise<BuildResult> {
    // Nothing is written for the context up front: it is read into memory (big files spooled).
    const ws = new Workspace(join(this.deps.dataRoot, 'build', 'tmp'));
    this.deps.events.publish('builder', 'start', '', { ...(opts.tags[0] ? { name: opts.tags[0] } : {}) });
    try {
      const tree = await receiveContext(contextTar, () => ws.sub('spool'));
      const ctx = await openContext(tree, opts.dockerfile);
      const run = new BuildRun(this.deps, this.cache, this.stageHashes, opts, out, ctx.tree, ws, ctx.dockerfileName, signal);
      const imageId = await run.execute(ctx.dockerfile);
      for (const t of opts.tags) {
        const at = t.lastIndexOf(':');
        const hasTag = at > t.lastIndexOf('/');
        await this.deps.images.tag(imageId, hasTag ? t.slice(0, at) : t, hasTag ? t.slice(at + 1) : 'latest');
        out.stream(`Successfully tagged ${hasTag ? t : `${t}:latest`}\n`);
      }
      this.deps.events.publish('builder', 'complete', imageId, { ...(opts.tags[0] ? { name: opts.tags[0] } : {}) });
      // The image's own event, so `events --filter type=image` sees builds beside pulls and loads.
      this.deps.events.publish('image', 'build', imageId, { name: opts.tags[0] ?? imageId });
      return { imageId, tags: opts.tags };
    } catch (e) {
      this.deps.events.publish('builder', 'fail', '', { error: (e as Error).message });
      throw e;
    } finally {
      // Steps that succeeded stay cached even when a later one failed.
      await this.cache.flush().catch(() => undefined);
      await ws.remove();
    }
  }
}

class BuildRun {
  private readonly stages: Stage[] = [];
  private readonly metaArgs = new Map<string, string | undefined>();
  private readonly consumed = new Set<string>();
  private escape = '\\';
  private step = 0;
  private total = 0;

  constructor(
    private readonly deps: BuildDeps,
    private readonly cache: BuildCache,
    private readonly stageHashes: StageHashes,
    private readonly opts: BuildOptions,
    private readonly out: BuildReporter,
    private readonly tree: ContextTree,
    private readonly ws: Workspace,
    private readonly file: string,
    private readonly signal?: AbortSignal,
  ) {}

  private ctxDir?: Promise<string>;

  /** The context on disk, written the first time a step copies from it. */
  private contextDir(): Promise<string> {
    this.ctxDir ??= this.ws.sub('context').then(async (d) => { await this.tree.materialize(d); return d; });
    return this.ctxDir;
  }

  async execute(text: string): Promise<string> {
    const df = parseDockerfile(text, this.file);
    this.escape = df.escape;
    if (df.emptyContinuations.length) {
      // Docker's parser warning, sent (red, as its stderr writer colours it) before the first step.
      const found = df.emptyContinuations.map((w) => `[WARNING]: Empty continuation line found in:\n    ${w}\n`).join('');
      this.out.stream(`\x1b[91m${found}[WARNING]: Empty continuation lines will become errors in a future release.\n\x1b[0m`);
    }
    const insts = df.instructions;
    for (const i of insts) if (!KNOWN.has(i.cmd)) throw dockerfileError(this.file, i.line, `unknown instruction: ${i.cmd.toUpperCase()}`);
    const firstFrom = insts.findIndex((i) => i.cmd === 'from');
    if (firstFrom < 0) throw dockerfileError(this.file, insts[0]?.line ?? 1, insts.length ? 'no build stage in current context' : 'file with no instructions');
    for (const i of insts.slice(0, firstFrom)) {
      if (i.cmd !== 'arg') throw dockerfileError(this.file, i.line, 'no build stage in current context');
    }
    // Stages: each FROM and what follows it.
    const groups: Instruction[][] = [];
    for (const i of insts.slice(firstFrom)) {
      if (i.cmd === 'from') groups.push([i]); else groups[groups.length - 1].push(i);
    }
    let last = groups.length - 1;
    if (this.opts.target) {
      const t = groups.findIndex((g) => this.stageName(g[0])?.toLowerCase() === this.opts.target!.toLowerCase());
      if (t < 0) throw invalidArgument(`failed to reach build target ${this.opts.target} in Dockerfile`);
      last = t;
    }
    const labels = Object.entries(this.opts.labels);
    this.total = firstFrom + groups.slice(0, last + 1).reduce((a, g) => a + g.length, 0) + (labels.length ? 1 : 0);

    for (const i of insts.slice(0, firstFrom)) {
      this.announce(i);
      for (const { key, value } of parseKeyValues(i, this.escape, this.file, false)) {
        const given = this.argValue(key);
        this.metaArgs.set(key, given ?? (value === undefined ? undefined : this.expand(i, value, this.metaEnv())));
      }
    }
    let stage: Stage | undefined;
    for (let g = 0; g <= last; g++) {
      for (const inst of groups[g]) {
        this.checkAbort();
        this.announce(inst);
        try {
          if (inst.cmd === 'from') stage = await this.from(inst, g);
          else await this.dispatch(stage as Stage, inst);
        } catch (e) {
          throw this.located(e, inst);
        }
      }
    }
    const final = stage as Stage;
    if (labels.length) {
      this.step++;
      const line = `LABEL ${labels.map(([k, v]) => `${JSON.stringify(k)}=${JSON.stringify(v)}`).join(' ')}`;
      this.out.stream(`Step ${this.step}/${this.total} : ${line}\n`);
      await this.dispatch(final, parseDockerfile(line, this.file).instructions[0]);
    }
    if (!final.imageId) await this.ensureImage(final);
    const unused = Object.keys(this.opts.buildArgs).filter((k) => !this.consumed.has(k) && !PROXY_ARGS.has(k));
    if (unused.length) this.out.stream(`[Warning] One or more build-args [${unused.join(' ')}] were not consumed\n`);
    const id = final.imageId as string;
    this.out.aux(id);
    this.out.stream(`Successfully built ${short(id)}\n`);
    return id;
  }

  private announce(inst: Instruction): void {
    this.step++;
    this.out.stream(`Step ${this.step}/${this.total} : ${inst.original}`);
    this.out.stream('\n');
  }

  private located(e: unknown, inst: Instruction): unknown {
    if (e instanceof StepError) return dockerfileError(this.file, inst.line, e.message);
    if (e instanceof BerthError && e.kind === 'invalid_argument' && !/^\S+:\d+: /.test(e.message)) {
      return dockerfileError(this.file, inst.line, `${inst.cmd.toUpperCase()} failed: ${e.message}`);
    }
    return e;
  }

  private checkAbort(): void {
    if (this.signal?.aborted) throw invalidArgument('build canceled');
  }

  private stageName(from: Instruction): string | undefined {
    const w = splitWords(from.args, this.escape);
    return w.length === 3 && w[1].toLowerCase() === 'as' ? w[2] : undefined;
  }

  /** A --build-arg value (null ones come from berthd's environment, as Docker's do). */
  private argValue(key: string): string | undefined {
    if (!(key in this.opts.buildArgs)) return undefined;
    this.consumed.add(key);
    const v = this.opts.buildArgs[key];
    return v === null ? process.env[key] : v;
  }

  private metaEnv(): Env {
    const m = new Map<string, string>();
    for (const [k, v] of this.metaArgs) if (v !== undefined) m.set(k, v);
    return m;
  }

  /** What expansions see in a stage: its ARGs with values, overridden by ENV. */
  private stageEnv(s: Stage): Env {
    const m = new Map<string, string>();
    for (const [k, v] of s.args) if (v !== undefined) m.set(k, v);
    for (const [k, v] of envMap(s.config.Env)) m.set(k, v);
    return m;
  }

  private expand(inst: Instruction, word: string, env: Env): string {
    try {
      return processWord(word, env, this.escape);
    } catch (e) {
      throw dockerfileError(this.file, inst.line, (e as Error).message);
    }
  }

  // ---------- FROM ----------

  private async from(inst: Instruction, index: number): Promise<Stage> {
    const words = splitWords(inst.args, this.escape);
    if (words.length !== 1 && !(words.length === 3 && words[1].toLowerCase() === 'as')) {
      throw new StepError('FROM requires either one or three arguments');
    }
    let platform: string | undefined;
    for (const f of inst.flags) {
      if (f.name !== 'platform') throw new StepError(`Unknown flag: ${f.name}`);
      platform = f.value === undefined ? undefined : this.expand(inst, f.value, this.metaEnv()) || undefined;
    }
    const ref = this.expand(inst, words[0], this.metaEnv());
    if (ref === '') throw new StepError('base name (${...}) should not be blank'.replace('${...}', words[0]));
    const name = words[2];
    if (name !== undefined && !/^[a-zA-Z][a-zA-Z0-9_.-]*$/.test(name)) throw new StepError(`invalid name for build stage: "${name}", name can't start with a number or contain symbols`);
    const stage: Stage = { name, index, args: new Map(), config: {}, cmdSet: false };
    const prev = this.stages.find((s) => s.name !== undefined && s.name.toLowerCase() === ref.toLowerCase());
    if (ref.toLowerCase() === 'scratch') {
      stage.config = { Env: [] };
      this.out.stream(' ---> \n');
    } else {
      let img: ImageRecord;
      if (prev) {
        if (!prev.imageId) await this.ensureImage(prev);
        img = await this.deps.images.get(prev.imageId as string);
      } else img = await this.baseImage(ref, platform);
      stage.imageId = img.id;
      stage.config = structuredClone(img.config);
      stage.author = img.author;
      this.out.stream(` ---> ${short(img.id)}\n`);
      const triggers = img.config.OnBuild ?? [];
      // Triggers run once, in the child; the child does not inherit them.
      stage.config.OnBuild = null;
      if (triggers.length) {
        this.out.stream(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`);
        for (const t of triggers) {
          const ti = parseDockerfile(t, this.file).instructions[0];
          if (!ti) continue;
          ti.line = inst.line;
          await this.dispatch(stage, ti);
        }
      }
    }
    this.stages.push(stage);
    return stage;
  }

  /**
   * A FROM image: the local one, pulled from its registry when it is not here (and always with
   * --pull), as Docker's classic builder does. Pull errors reach the client as the pull says them.
   */
  private async baseImage(ref: string, platform?: string): Promise<ImageRecord> {
    // FROM --platform: a local image of another platform does not count (Docker pulls the right one).
    const wanted = platform ? parsePlatform(platform) : undefined;
    const fits = (img: ImageRecord) => !wanted || (img.os === wanted.os && img.architecture === wanted.architecture && (!wanted.variant || img.variant === wanted.variant));
    const mismatch = (img: ImageRecord) => notFound(`image with reference ${ref} was found but does not match the specified platform: wanted ${platform}, actual: ${img.os}/${img.architecture}${img.variant ? `/${img.variant}` : ''}`);
    if (!this.opts.pull) {
      try {
        const local = await this.deps.images.get(ref);
        if (fits(local)) return local;
        if (!this.deps.registry) throw mismatch(local);
      } catch (e) {
        if (!(e instanceof BerthError && e.kind === 'not_found') || !this.deps.registry) throw e;
      }
    }
    if (!this.deps.registry) return this.deps.images.get(ref);
    const pulled = await this.deps.registry.pull(ref, { platform, auth: this.authFor(ref), signal: this.signal }, (p) => this.out.progress?.(p));
    const img = await this.deps.images.get(pulled.id);
    if (!fits(img)) throw mismatch(img);
    return img;
  }

  /** Credentials for the registry of `ref` from X-Registry-Config (keys as the docker CLI writes them). */
  private authFor(ref: string): RegistryAuth | undefined {
    const auths = this.opts.registryAuth;
    if (!auths) return undefined;
    const first = ref.split('/')[0];
    const host = ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
    for (const [k, v] of Object.entries(auths)) {
      const h = k.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
      if (h === host || (host === 'docker.io' && (h === 'index.docker.io' || h === 'registry-1.docker.io'))) return v;
    }
    return undefined;
  }

  /** A FROM scratch stage's empty base image, made when a step first needs a rootfs or the build ends. */
  private async ensureImage(s: Stage): Promise<void> {
    if (s.imageId) return;
    const rec = await this.deps.images.commitBuild({ config: s.config, createdBy: '', noHistory: true });
    s.imageId = rec.id;
  }

  // ---------- the other instructions ----------

  private async dispatch(s: Stage, inst: Instruction): Promise<void> {
    const env = this.stageEnv(s);
    switch (inst.cmd) {
      case 'arg': return this.arg(s, inst);
      case 'run': return this.run(s, inst);
      case 'copy':
      case 'add': return this.copy(s, inst);
      case 'workdir': return this.workdir(s, inst, env);
      case 'from': throw new StepError('FROM is not allowed here');
      default: {
        const next: StageConfig = { config: structuredClone(s.config), cmdSet: s.cmdSet, author: s.author };
        const history = applyMetadata(inst, next, env, this.escape, this.file);
        await this.commit(s, next, `/bin/sh -c #(nop) ${history}`, {});
      }
    }
  }

  private async arg(s: Stage, inst: Instruction): Promise<void> {
    const env = this.stageEnv(s);
    const pairs = parseKeyValues(inst, this.escape, this.file, false);
    for (const { key, value } of pairs) {
      const given = this.argValue(key);
      const dflt = value === undefined ? (this.metaArgs.has(key) ? this.metaArgs.get(key) : undefined) : this.expand(inst, value, env);
      s.args.set(key, given ?? dflt);
    }
    const text = pairs.map((p) => (p.value === undefined ? p.key : `${p.key}=${p.value}`)).join(' ');
    await this.commit(s, { config: structuredClone(s.config), cmdSet: s.cmdSet, author: s.author }, `/bin/sh -c #(nop)  ARG ${text}`, { args: [...s.args] });
  }

  /** Build args a RUN sees in its environment: declared ones with values, and the proxy ones given. */
  private runArgs(s: Stage): [string, string][] {
    const out: [string, string][] = [];
    const envKeys = new Set(envMap(s.config.Env).keys());
    for (const [k, v] of s.args) if (v !== undefined && !envKeys.has(k)) out.push([k, v]);
    for (const k of PROXY_ARGS) {
      const v = this.argValue(k);
      if (v !== undefined && !s.args.has(k)) out.push([k, v]);
    }
    return out;
  }

  private async run(s: Stage, inst: Instruction): Promise<void> {
    let cmd: string[];
    if (inst.json) cmd = inst.json;
    else if (inst.heredocs.length === 1 && /^<<-?\s*["']?[A-Za-z_][A-Za-z0-9_.-]*["']?\s*$/.test(inst.args.trim())) {
      // RUN <<EOF ... EOF: the heredoc is the script.
      cmd = [...shellOf(s.config), inst.heredocs[0].content];
    } else {
      // The shell reads the heredocs itself: hand it the command with their bodies.
      cmd = [...shellOf(s.config), inst.heredocs.length ? `${inst.args}\n${inst.heredocs.map((h) => `${h.content}${h.name}\n`).join('')}` : inst.args];
    }
    for (const f of inst.flags) {
      if (f.name !== 'network' && f.name !== 'mount' && f.name !== 'security') throw new StepError(`Unknown flag: ${f.name}`);
      if (f.name === 'mount') throw new StepError('the --mount option requires BuildKit');
    }
    const args = this.runArgs(s);
    const visible = args.filter(([k]) => !PROXY_ARGS.has(k));
    const createdBy = `${visible.length ? `|${visible.length} ${visible.map(([k, v]) => `${k}=${v}`).join(' ')} ` : ''}${cmd.join(' ')}`;
    const next = { config: structuredClone(s.config), cmdSet: s.cmdSet, author: s.author };
    await this.commit(s, next, createdBy, { fs: 'run' }, async (rootfsImage) => {
      const env = [...(s.config.Env ?? []), ...args.map(([k, v]) => `${k}=${v}`)];
      return runStep(this.deps.containers, {
        image: rootfsImage, cmd, env, user: s.config.User, workingDir: s.config.WorkingDir,
        networkMode: this.opts.networkMode || 'default', forceRm: this.opts.forceRm, rm: this.opts.rm,
      }, this.out, this.signal);
    });
  }

  private async workdir(s: Stage, inst: Instruction, env: Env): Promise<void> {
    const next: StageConfig = { config: structuredClone(s.config), cmdSet: s.cmdSet, author: s.author };
    const history = applyMetadata(inst, next, env, this.escape, this.file);
    const dir = next.config.WorkingDir as string;
    await this.commit(s, next, `/bin/sh -c #(nop) ${history}`, { fs: 'workdir' }, async (image) => {
      return this.inRootfs(image, async (root) => {
        const host = await scopedPath(root, dir);
        await mkdir(host, { recursive: true, mode: 0o755 });
      });
    });
  }

  private async copy(s: Stage, inst: Instruction): Promise<void> {
    const name = inst.cmd.toUpperCase();
    const env = this.stageEnv(s);
    let from: string | undefined;
    let chown: string | undefined;
    let chmod: number | undefined;
    for (const f of inst.flags) {
      const v = f.value === undefined ? undefined : this.expand(inst, f.value, env);
      if (f.name === 'from' && name === 'COPY') from = v;
      else if (f.name === 'chown') chown = v;
      else if (f.name === 'chmod') {
        if (!v || !/^[0-7]{1,4}$/.test(v)) throw new StepError(`invalid chmod parameter: ${v ?? ''}`);
        chmod = parseInt(v, 8);
      } else if (f.name === 'link' || f.name === 'checksum' || f.name === 'keep-git-dir') { /* BuildKit only; no effect here */ } else {
        throw new StepError(`Unknown flag: ${f.name}`);
      }
    }
    const words = inst.json ?? splitWords(inst.args, this.escape);
    const heredocNames = new Set(inst.heredocs.map((h) => h.name));
    const expanded = words.map((w) => (/^<<-?/.test(w) && heredocNames.has(w.replace(/^<<-?["']?|["']$/g, '')) ? w : this.expand(inst, w, env)));
    if (expanded.length < 2) throw new StepError(`${name} requires at least two arguments, but only one was provided. Destination could not be determined.`);
    const destRaw = expanded[expanded.length - 1];
    const srcWords = expanded.slice(0, -1);
    for (const w of srcWords) if (/^[a-z][a-z0-9+.-]*:\/\//i.test(w)) {
      if (name === 'COPY') throw new StepError(`source can't be a URL for COPY`);
      throw new StepError(`ADD from a URL (${w}) is not supported: berth builds offline; download it into the context and ADD the file`);
    }
    const dest = destRaw.startsWith('/') ? destRaw : posix.join(s.config.WorkingDir || '/', destRaw) + (destRaw.endsWith('/') || destRaw === '.' ? '/' : '');

    // Sources are found and hashed without touching the disk: heredocs from memory, the context
    // from its tree, another stage's files once per (image, paths). Files are written only on a miss.
    const heredocs: { name: string; content: string }[] = [];
    const plain: string[] = [];
    for (const w of srcWords) {
      const h = inst.heredocs.find((x) => w.replace(/^<<-?["']?|["']$/g, '') === x.name && w.startsWith('<<'));
      if (h) heredocs.push({ name: h.name, content: h.expand ? this.expand(inst, h.content.replace(/(["'\\])/g, '\\$1'), env) : h.content });
      else plain.push(w);
    }
    const parts = heredocs.map((h) => createHash('sha256').update(`heredoc\0${h.name}\0${h.content}`).digest('hex'));
    let count = heredocs.length;
    let firstIsDir = false;
    let fromId: string | undefined;
    if (plain.length) {
      if (from !== undefined) {
        fromId = await this.fromImage(from);
        const known = await this.stageHashes.get(fromId, plain, () => this.hashStageSources(fromId as string, plain, from as string));
        parts.push(known.hash);
        if (count === 0) firstIsDir = known.firstIsDir;
        count += known.count;
      } else {
        const found = findContextSources(this.tree, plain);
        parts.push(hashContextSources(this.tree, found));
        if (count === 0) firstIsDir = found[0].entry.type === 'dir';
        count += found.length;
      }
    }
    const hash = parts.length === 1 ? parts[0] : createHash('sha256').update(parts.join('\n')).digest('hex');
    const kind = count > 1 ? 'multi' : firstIsDir ? 'dir' : 'file';
    const createdBy = `/bin/sh -c #(nop) ${name} ${chown ? `--chown=${chown} ` : ''}${chmod !== undefined ? `--chmod=${chmod.toString(8)} ` : ''}${kind}:${hash} in ${destRaw} `;
    const next = { config: structuredClone(s.config), cmdSet: s.cmdSet, author: s.author };
    await this.commit(s, next, createdBy, { fs: 'copy', from: from ?? '' }, async (image) => this.inRootfs(image, async (root) => {
      const scratch = await this.ws.sub('scratch');
      const hereDir = join(scratch, `here-${randomBytes(4).toString('hex')}`);
      let release: (() => Promise<void>) | undefined;
      try {
        const sources: CopySource[] = [];
        if (heredocs.length) {
          await mkdir(hereDir, { recursive: true });
          for (const h of heredocs) await writeFile(join(hereDir, h.name), h.content, { mode: 0o644 });
          for (const h of heredocs) sources.push(...(await findSources(hereDir, [h.name], 'heredoc')));
        }
        if (plain.length && fromId !== undefined) {
          const rid = `build-${randomBytes(8).toString('hex')}`;
          const srcRoot = await this.deps.images.mount(rid, fromId);
          release = async () => { await this.deps.images.remove(rid); };
          sources.push(...(await findSources(srcRoot, plain, `stage ${from}`)));
        } else if (plain.length) sources.push(...(await findSources(await this.contextDir(), plain, 'context')));
        const multiple = sources.length > 1 || srcWords.some((w) => /[*?[]/.test(w));
        const owner = chown ? await resolveChown(root, chown) : from !== undefined ? undefined : { uid: 0, gid: 0 };
        await copyInto(root, sources, { dest, owner, explicitOwner: chown !== undefined, chmod, extractArchives: name === 'ADD', multiple, scratch });
      } finally {
        await release?.();
        await rm(hereDir, { recursive: true, force: true });
      }
    }));
  }

  /** COPY --from sources in another stage's (or image's) rootfs: mounted, found and hashed. */
  private async hashStageSources(imageId: string, plain: string[], from: string): Promise<StageHash> {
    const rid = `build-${randomBytes(8).toString('hex')}`;
    const root = await this.deps.images.mount(rid, imageId);
    try {
      const found = await findSources(root, plain, `stage ${from}`);
      return { hash: await hashSources(found), count: found.length, firstIsDir: found[0].st.isDirectory() };
    } finally {
      await this.deps.images.remove(rid);
    }
  }

  /** COPY --from: a stage by name or index, else an image. */
  private async fromImage(from: string): Promise<string> {
    const byName = this.stages.find((s) => s.name?.toLowerCase() === from.toLowerCase());
    const byIndex = /^\d+$/.test(from) ? this.stages[Number(from)] : undefined;
    if (/^\d+$/.test(from) && !byIndex) throw new StepError(`invalid from flag value ${from}: refers to current build stage or a later one`);
    const st = byName ?? byIndex;
    if (st) {
      await this.ensureImage(st);
      return st.imageId as string;
    }
    try {
      return (await this.deps.images.get(from)).id;
    } catch (e) {
      if (e instanceof BerthError && e.kind === 'not_found') throw new StepError(`invalid from flag value ${from}: ${e.message}`);
      throw e;
    }
  }

  /** Mounts a fresh rootfs over `image`, lets `fn` change it, and returns its id (still holding the changes). */
  private async inRootfs(image: string, fn: (root: string) => Promise<void>): Promise<string> {
    const rid = `build-${randomBytes(8).toString('hex')}`;
    const root = await this.deps.images.mount(rid, image);
    try {
      await fn(root);
    } catch (e) {
      await this.deps.images.remove(rid).catch(() => undefined);
      throw e;
    } finally {
      await this.deps.images.unmount(rid).catch(() => undefined);
    }
    return rid;
  }

  /**
   * One step: the cache is asked first (key: parent image, what the step did, the config it
   * leaves, and `extra`); on a miss `change` (if any) yields a rootfs whose changes become the
   * layer, and the result is committed as a child image.
   */
  private async commit(
    s: Stage, next: StageConfig, createdBy: string, extra: Record<string, unknown>,
    change?: (image: string) => Promise<string | undefined>,
  ): Promise<void> {
    const key = cacheKey([s.imageId ?? 'scratch', createdBy, next.config, next.author ?? '', extra]);
    if (!this.opts.noCache) {
      const hit = await this.cache.get(key);
      if (hit && (await this.deps.images.get(hit).then(() => true, () => false))) {
        this.out.stream(' ---> Using cache\n');
        this.out.stream(` ---> ${short(hit)}\n`);
        Object.assign(s, { imageId: hit, config: next.config, cmdSet: next.cmdSet, author: next.author });
        return;
      }
    }
    let rootfsOf: string | undefined;
    if (change) {
      await this.ensureImage(s);
      rootfsOf = await change(s.imageId as string);
    }
    try {
      const rec = await this.deps.images.commitBuild({
        parent: s.imageId, rootfsOf, ranContainer: extra.fs === 'run', config: next.config, createdBy, author: next.author,
      });
      if (extra.fs === 'run' && rootfsOf && (this.opts.rm || this.opts.forceRm)) this.out.stream(`Removing intermediate container ${short(rootfsOf)}\n`);
      this.out.stream(` ---> ${short(rec.id)}\n`);
      Object.assign(s, { imageId: rec.id, config: next.config, cmdSet: next.cmdSet, author: next.author });
      await this.cache.set(key, rec.id);
    } finally {
      if (rootfsOf) {
        if (extra.fs === 'run') {
          if (this.opts.rm || this.opts.forceRm) await this.deps.containers.remove(rootfsOf, { force: true, volumes: true }).catch(() => undefined);
        }
        else await this.deps.images.remove(rootfsOf).catch(() => undefined);
      }
    }
  }
}

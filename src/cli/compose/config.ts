// `berth compose config`: parse, resolve and print the Compose model in canonical form, exactly
// as `docker compose config` does (YAML or JSON), or one facet of it (--services, --volumes...).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadModel, loadProject, renderJson, renderYaml, type Project } from '../../compose/index.js';
import { invalidArgument, notImplemented } from '../../common/errors.js';
import { loadOptionsFrom, type ComposeGlobalOptions, type ComposeIO } from './options.js';
import { renderModelJson, renderModelYaml, serviceConfigHash } from '../../compose/render.js';

interface ConfigFlags {
  format?: string;
  quiet?: boolean;
  services?: boolean;
  volumes?: boolean;
  networks?: boolean;
  profiles?: boolean;
  images?: boolean;
  hash?: string;
  interpolate?: boolean;
  normalize?: boolean;
  resolveImageDigests?: boolean;
  environment?: boolean;
  output?: string;
}

export function registerConfigCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('config')
    .description('Parse, resolve and render compose file in canonical format')
    .argument('[services...]', 'Services to keep (with their dependencies)')
    .option('--format <format>', 'Format the output. Values: [yaml | json]', 'yaml')
    .option('-q, --quiet', "Only validate the configuration, don't print anything")
    .option('--services', 'Print the service names, one per line.')
    .option('--volumes', 'Print the volume names, one per line.')
    .option('--networks', 'Print the network names, one per line.')
    .option('--profiles', 'Print the profile names, one per line.')
    .option('--images', 'Print the image names, one per line.')
    .option('--hash <service>', 'Print the service config hash, one per line ("*" for all).')
    .option('--no-interpolate', "Don't interpolate environment variables")
    .option('--no-normalize', "Don't normalize compose model")
    .option('--resolve-image-digests', 'Pin image tags to digests')
    .option('--environment', 'Print environment used for interpolation.')
    .option('-o, --output <file>', 'Save to file (default to stdout)')
    .action((services: string[], flags: ConfigFlags, cmd: Command) => {
      const global = cmd.parent?.opts() as ComposeGlobalOptions;
      runConfig(services, flags, global, io);
    });
}

function runConfig(services: string[], flags: ConfigFlags, global: ComposeGlobalOptions, io: ComposeIO): void {
  if (flags.normalize === false) throw notImplemented('--no-normalize is not implemented yet');
  if (flags.resolveImageDigests) throw notImplemented('--resolve-image-digests is not implemented yet');
  if (flags.format !== 'yaml' && flags.format !== 'json') throw invalidArgument(`unsupported format "${flags.format}"`);
  const listing = flags.services || flags.volumes || flags.networks || flags.profiles || flags.images || flags.environment || flags.hash !== undefined;
  if (flags.interpolate === false && !listing) {
    // Compose renders the raw model here: no typing, no profiles, env_file left as written.
    const { model, warnings } = loadModel(loadOptionsFrom(global, io, { interpolate: false }));
    for (const w of warnings) io.stderr(`WARN: ${w}\n`);
    if (!flags.quiet) emit(flags.format === 'json' ? renderModelJson(model) : renderModelYaml(model), flags, io);
    return;
  }
  // Listings and hashes read the project without folding env_file into environment, as Compose does.
  const { project, warnings } = loadProject(
    loadOptionsFrom(global, io, { services: listing ? [] : services, interpolate: flags.interpolate !== false, resolveServiceEnvironment: !listing }),
  );
  for (const w of warnings) io.stderr(`WARN: ${w}\n`);
  const out = (lines: string[]): void => io.stdout(lines.map((l) => `${l}\n`).join(''));
  if (flags.services) return out(dependencyOrder(project));
  if (flags.volumes) return out(Object.keys(project.volumes));
  if (flags.networks) return out(Object.keys(project.networks));
  if (flags.profiles) return out(allProfiles(project));
  if (flags.images) return out(Object.keys(project.services).sort().map((n) => imageName(project, n)));
  if (flags.hash !== undefined) return out(hashes(project, flags.hash));
  if (flags.environment) return out(Object.entries(project.environment).map(([k, v]) => `${k}=${v}`).sort());
  if (flags.quiet) return;
  emit(flags.format === 'json' ? renderJson(project) : renderYaml(project), flags, io);
}

/** The rendered model goes to stdout, or to the file named by -o. */
function emit(content: string, flags: ConfigFlags, io: ComposeIO): void {
  if (flags.output) writeFileSync(resolve(io.cwd(), flags.output), content);
  else io.stdout(content);
}

/** Service names, each after the services it depends on (as Compose walks them), else by name. */
function dependencyOrder(p: Project): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name) || !p.services[name]) return;
    seen.add(name);
    for (const dep of Object.keys(p.services[name].depends_on ?? {}).sort()) visit(dep);
    out.push(name);
  };
  Object.keys(p.services).sort().forEach(visit);
  return out;
}

function allProfiles(p: Project): string[] {
  const set = new Set<string>();
  for (const s of [...Object.values(p.services), ...Object.values(p.disabledServices)]) for (const pr of s.profiles ?? []) set.add(pr);
  return [...set].sort();
}

/** The image a service runs: its `image`, else the name Compose gives built images. */
function imageName(p: Project, name: string): string {
  return p.services[name].image ?? `${p.name}-${name}`;
}

function hashes(p: Project, which: string): string[] {
  const names = which === '*' ? Object.keys(p.services).sort() : which.split(',').map((s) => s.trim());
  return names.map((n) => {
    if (!p.services[n]) throw invalidArgument(`no such service: ${n}`);
    return `${n} ${serviceConfigHash(p.services[n])}`;
  });
}

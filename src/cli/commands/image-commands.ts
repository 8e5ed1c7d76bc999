// The image verbs and their docker flags (definitions only; work is loaded when a verb runs).
import type { Command } from 'commander';
import { collect } from '../flags.js';
import { imageInspect } from './container-commands.js';

type Def = (parent: Command, name: string) => Command;

export const images: Def = (p, name) =>
  p.command(`${name} [repository]`).description('List images')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('-q, --quiet', 'Only show image IDs')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <format>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('--digests', 'Show digests')
    .action(async (repo, opts, cmd) => (await import('../image/images.js')).imagesCommand(repo, opts, cmd));

export const tag: Def = (p, name) =>
  p.command(`${name} <source> <target>`).description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .action(async (s, t, _opts, cmd) => (await import('../image/manage.js')).tagCommand(s, t, cmd));

export const rmi: Def = (p, name) =>
  p.command(`${name} <images...>`).description('Remove one or more images')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .action(async (names, opts, cmd) => (await import('../image/manage.js')).rmiCommand(names, opts, cmd));

export const history: Def = (p, name) =>
  p.command(`${name} <image>`).description('Show the history of an image')
    .option('-H, --human', 'Print sizes and dates in human readable format', true)
    .option('-q, --quiet', 'Only show image IDs')
    .option('--no-trunc', "Don't truncate output")
    .option('--format <format>', 'Format output using a custom template')
    .action(async (image, opts, cmd) => (await import('../image/manage.js')).historyCommand(image, opts, cmd));

export const imagePrune: Def = (p, name) =>
  p.command(name).description('Remove unused images')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
    .action(async (opts, cmd) => (await import('../image/manage.js')).imagePruneCommand(opts, cmd));

export const importCmd: Def = (p, name) =>
  p.command(`${name} <file> [reference]`).description('Import the contents from a tarball to create a filesystem image')
    .option('-c, --change <instruction>', 'Apply Dockerfile instruction to the created image', collect)
    .option('-m, --message <message>', 'Set commit message for imported image')
    .option('--platform <platform>', 'Set platform if server is multi-platform capable')
    .action(async (file, ref, opts, cmd) => (await import('../image/transfer.js')).importCommand(file, ref, opts, cmd));

export const load: Def = (p, name) =>
  p.command(name).description('Load an image from a tar archive or STDIN')
    .option('-i, --input <file>', 'Read from tar archive file, instead of STDIN')
    .option('-q, --quiet', 'Suppress the load output')
    .action(async (opts, cmd) => (await import('../image/transfer.js')).loadCommand(opts, cmd));

export const save: Def = (p, name) =>
  p.command(`${name} <images...>`).description('Save one or more images to a tar archive (streamed to STDOUT by default)')
    .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
    .action(async (names, opts, cmd) => (await import('../image/transfer.js')).saveCommand(names, opts, cmd));

export const pull: Def = (p, name) =>
  p.command(`${name} <image>`).description('Download an image from a registry')
    .option('-a, --all-tags', 'Download all tagged images in the repository')
    .option('--platform <platform>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--disable-content-trust', 'Skip image verification (always: berth has no content trust)', true)
    .action(async (image, opts, cmd) => (await import('../image/registry.js')).pullCommand(image, opts, cmd));

export const push: Def = (p, name) =>
  p.command(`${name} <image>`).description('Upload an image to a registry')
    .option('-a, --all-tags', 'Push all tags of an image to the repository')
    .option('-q, --quiet', 'Suppress verbose output')
    .option('--disable-content-trust', 'Skip image signing (always: berth has no content trust)', true)
    .action(async (image, opts, cmd) => (await import('../image/registry.js')).pushCommand(image, opts, cmd));

export const login: Def = (p, name) =>
  p.command(`${name} [server]`).description('Authenticate to a registry (defaults to Docker Hub)')
    .option('-u, --username <username>', 'Username')
    .option('-p, --password <password>', 'Password or Personal Access Token (PAT)')
    .option('--password-stdin', 'Take the Password or Personal Access Token (PAT) from stdin')
    .action(async (server, opts, cmd) => (await import('../image/registry.js')).loginCommand(server, opts, cmd));

export const logout: Def = (p, name) =>
  p.command(`${name} [server]`).description('Log out from a registry (defaults to Docker Hub)')
    .action(async (server) => (await import('../image/registry.js')).logoutCommand(server));

export const search: Def = (p, name) =>
  p.command(`${name} <term>`).description('Search Docker Hub (or a registry: HOST:PORT/TERM) for images')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <format>', 'Pretty-print search using a Go template')
    .option('--limit <limit>', 'Max number of search results')
    .option('--no-trunc', "Don't truncate output")
    .action(async (term, opts, cmd) => (await import('../image/registry.js')).searchCommand(term, opts, cmd));

export const build: Def = (p, name) =>
  p.command(`${name} <context>`).description('Build an image from a Dockerfile')
    .option('-t, --tag <name>', 'Name and optionally a tag in the "name:tag" format', collect)
    .option('-f, --file <path>', 'Name of the Dockerfile (default: "PATH/Dockerfile")')
    .option('--build-arg <arg>', 'Set build-time variables', collect)
    .option('--target <stage>', 'Set the target build stage to build')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option('--label <label>', 'Set metadata for an image', collect)
    .option('--network <mode>', 'Set the networking mode for the RUN instructions during build', 'default')
    .option('--progress <type>', 'Set type of progress output (auto, plain, tty, quiet, rawjson)', 'auto')
    .option('-q, --quiet', 'Suppress the build output and print image ID on success')
    .option('--rm', 'Remove intermediate containers after a successful build', true)
    .option('--force-rm', 'Always remove intermediate containers')
    .action(async (context, opts, cmd) => (await import('../image/build.js')).buildCommand(context, opts, cmd));

export function registerImageCommands(program: Command, only?: string): void {
  const wanted = (name: string) => only === undefined || only === name;
  const topLevel: [Def, string][] = [[build, 'build'], [images, 'images'], [tag, 'tag'], [rmi, 'rmi'], [history, 'history'], [importCmd, 'import'], [load, 'load'], [save, 'save'], [pull, 'pull'], [push, 'push'], [login, 'login'], [logout, 'logout'], [search, 'search']];
  for (const [def, name] of topLevel) if (wanted(name)) def(program, name);
  if (!wanted('image')) return;
  const group = program.command('image').description('Manage images');
  const inGroup: [Def, string][] = [[build, 'build'], [tag, 'tag'], [history, 'history'], [imagePrune, 'prune'], [importCmd, 'import'], [load, 'load'], [save, 'save'], [pull, 'pull'], [push, 'push'], [imageInspect, 'inspect']];
  for (const [def, name] of inGroup) def(group, name);
  images(group, 'ls').aliases(['list']);
  rmi(group, 'rm').aliases(['remove']);
}

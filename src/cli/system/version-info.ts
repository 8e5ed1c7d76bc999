// `version` and `info`: client and daemon facts in docker's layout (or a -f template).
import type { Command } from 'commander';
import { CLIENT_MAX_API_VERSION, compareVersions } from '../../api/client/index.js';
import { connect } from '../context.js';
import { renderOne } from '../output/format.js';
import { bytesSize } from '../output/units.js';

const CLIENT_VERSION = '0.1.0';
const arch = () => (process.arch === 'x64' ? 'amd64' : process.arch);

/** "Label:" padded the way docker's tabwriter (min width 20) lays out version's two columns. */
const line = (indent: string, label: string, value: unknown) => `${`${indent}${label}:`.padEnd(19)} ${String(value ?? '')}\n`;

export async function versionCommand(f: { format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const negotiated = await client.apiVersion();
  const server = await client.system.version();
  const clientInfo = {
    Version: CLIENT_VERSION, ApiVersion: negotiated, DefaultAPIVersion: CLIENT_MAX_API_VERSION, NodeVersion: process.version,
    Os: process.platform, Arch: arch(), Context: 'default',
  };
  if (f.format) {
    process.stdout.write(`${renderOne({ Client: clientInfo, Server: server }, f.format)}\n`);
    return;
  }
  const downgraded = compareVersions(negotiated, CLIENT_MAX_API_VERSION) < 0 ? ` (downgraded from ${CLIENT_MAX_API_VERSION})` : '';
  let out = 'Client:\n';
  out += line(' ', 'Version', CLIENT_VERSION);
  out += line(' ', 'API version', `${negotiated}${downgraded}`);
  out += line(' ', 'Node version', process.version);
  out += line(' ', 'OS/Arch', `${process.platform}/${arch()}`);
  out += line(' ', 'Context', 'default');
  out += `\nServer:${server.Platform?.Name ? ` ${server.Platform.Name}` : ''}\n`;
  const components = server.Components?.length ? server.Components : [{ Name: 'Engine', Version: server.Version, Details: {} as Record<string, string> }];
  for (const c of components) {
    out += ` ${c.Name}:\n`;
    out += line('  ', 'Version', c.Version);
    if (c.Name === 'Engine') {
      out += line('  ', 'API version', `${server.ApiVersion}${server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : ''}`);
      if (server.GoVersion) out += line('  ', 'Go version', server.GoVersion);
      if (server.GitCommit) out += line('  ', 'Git commit', server.GitCommit);
      if (server.BuildTime) out += line('  ', 'Built', server.BuildTime);
      out += line('  ', 'OS/Arch', `${server.Os}/${server.Arch}`);
      out += line('  ', 'Experimental', server.Experimental ?? false);
    } else if (c.Details?.GitCommit !== undefined) {
      out += line('  ', 'GitCommit', c.Details.GitCommit);
    }
  }
  process.stdout.write(out);
}

export async function infoCommand(f: { format?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const i = await client.system.info();
  if (f.format) {
    process.stdout.write(`${renderOne(i, f.format)}\n`);
    return;
  }
  const rows: [string, unknown][] = [
    ['Containers', i.Containers], [' Running', i.ContainersRunning], [' Paused', i.ContainersPaused], [' Stopped', i.ContainersStopped],
    ['Images', i.Images], ['Server Version', i.ServerVersion], ['Storage Driver', i.Driver],
    ...(i.DriverStatus ?? []).map(([k, v]) => [` ${k}`, v] as [string, unknown]),
    ['Logging Driver', i.LoggingDriver], ['Cgroup Driver', i.CgroupDriver], ['Cgroup Version', i.CgroupVersion],
    ['Runtimes', Object.keys(i.Runtimes ?? {}).sort().join(' ')], ['Default Runtime', i.DefaultRuntime],
    ['Security Options', (i.SecurityOptions ?? []).map((s) => s.replace(/^name=/, '')).join(' ')],
    ['Kernel Version', i.KernelVersion], ['Operating System', i.OperatingSystem], ['OSType', i.OSType], ['Architecture', i.Architecture],
    ['CPUs', i.NCPU], ['Total Memory', bytesSize(i.MemTotal ?? 0)], ['Name', i.Name], ['ID', i.ID], ['Docker Root Dir', i.DockerRootDir],
    ['Debug Mode', i.Debug ?? false], ['Experimental', i.Experimental ?? false], ['Live Restore Enabled', i.LiveRestoreEnabled ?? false],
  ];
  let out = `Client:\n Version:    ${CLIENT_VERSION}\n Context:    default\n Debug Mode: false\n\nServer:\n`;
  for (const [k, v] of rows) if (v !== undefined && v !== '') out += ` ${k}: ${String(v)}\n`;
  process.stdout.write(out);
}

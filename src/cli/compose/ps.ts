// `berth compose ps`: the project's containers with docker compose's columns
// (NAME IMAGE COMMAND SERVICE CREATED STATUS PORTS), or JSON lines, ids, or service names.
import type { Command } from 'commander';
import type { ContainerSummary } from '../../api/client/index.js';
import { invalidArgument } from '../../common/errors.js';
import { LABEL, listProjectContainers } from '../../orchestrator/index.js';
import { displayPorts } from '../container/ports.js';
import { ellipsis } from '../flags.js';
import { alignTabs } from '../output/table.js';
import { ago, goTimeString } from '../output/units.js';
import type { ComposeIO } from './options.js';
import { collect, openSession } from './session.js';

interface PsFlags { all?: boolean; quiet?: boolean; services?: boolean; format?: string; status?: string[] }

const STATUSES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

export function registerPsCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('ps')
    .description('List containers')
    .argument('[services...]', 'Services to list')
    .option('-a, --all', 'Show all stopped containers (including those created by the run command)')
    .option('-q, --quiet', 'Only display IDs')
    .option('--services', 'Display services')
    .option('--format <format>', 'Format the output. Values: [table | json]', 'table')
    .option('--status <status>', 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited] (repeatable)', collect)
    .action(async (services: string[], flags: PsFlags, cmd: Command) => {
      if (flags.format !== 'table' && flags.format !== 'json') throw invalidArgument(`unsupported format "${flags.format}" (table or json)`);
      for (const st of flags.status ?? []) if (!STATUSES.includes(st)) throw invalidArgument(`invalid filter 'status=${st}'`);
      const s = await openSession(cmd, io, { fileless: true });
      const status = flags.status?.length ? new Set(flags.status) : undefined;
      const list = (await listProjectContainers(s.client, s.project.name, { all: flags.all || status !== undefined, services, oneOffs: flags.all }))
        .filter((c) => !status || status.has(c.State))
        .sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
      if (flags.quiet) return io.stdout(list.map((c) => `${c.Id}\n`).join(''));
      if (flags.services) return io.stdout([...new Set(list.map(serviceOf))].sort().map((n) => `${n}\n`).join(''));
      if (flags.format === 'json') return io.stdout(list.map((c) => `${JSON.stringify(jsonRow(c))}\n`).join(''));
      io.stdout(renderTable(list));
    });
}

const nameOf = (c: ContainerSummary) => (c.Names[0] ?? '').replace(/^\//, '');
const serviceOf = (c: ContainerSummary) => c.Labels?.[LABEL.service] ?? '';

export function renderTable(list: ContainerSummary[], now = Date.now()): string {
  const rows = [['NAME', 'IMAGE', 'COMMAND', 'SERVICE', 'CREATED', 'STATUS', 'PORTS']];
  for (const c of list) {
    rows.push([nameOf(c), c.Image, JSON.stringify(ellipsis(c.Command, 20)), serviceOf(c), ago(c.Created, now), c.Status, displayPorts(c.Ports)]);
  }
  return `${alignTabs(rows.map((r) => r.join('\t')).join('\n'), 10)}\n`;
}

function jsonRow(c: ContainerSummary) {
  const labels = c.Labels ?? {};
  const exit = /^Exited \((\d+)\)/.exec(c.Status);
  return {
    Command: JSON.stringify(c.Command),
    CreatedAt: goTimeString(new Date(c.Created * 1000)),
    ExitCode: exit ? Number(exit[1]) : 0,
    Health: /\((healthy|unhealthy|health: starting)\)/.exec(c.Status)?.[1]?.replace('health: ', '') ?? '',
    ID: c.Id,
    Image: c.Image,
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source ?? '').join(','),
    Name: nameOf(c),
    Names: nameOf(c),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    Ports: displayPorts(c.Ports),
    Project: labels[LABEL.project] ?? '',
    Publishers: (c.Ports ?? []).map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })),
    RunningFor: ago(c.Created),
    Service: serviceOf(c),
    Size: '0B',
    State: c.State,
    Status: c.Status,
  };
}

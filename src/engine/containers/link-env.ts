// Legacy `--link name[:alias]` (default bridge): the environment variables Docker gives the linking
// container, so that old images reading `DB_PORT_5432_TCP_ADDR` and friends still work: per exposed
// port of the linked container `<ALIAS>_PORT_<port>_<PROTO>[_ADDR|_PORT|_PROTO]`, runs of three or
// more consecutive ports also as `_START`/`_END`, the lowest port (tcp first) as `<ALIAS>_PORT`,
// `<ALIAS>_NAME=/<me>/<alias>`, and the linked container's own variables as `<ALIAS>_ENV_<name>`
// (except HOME and PATH). The container's own environment wins over these (the caller merges).
import { invalidArgument } from '../../common/errors.js';

export interface LinkTarget { ip: string; env: string[]; exposedPorts: string[] }

interface Port { num: number; proto: string }

/** "name:alias", "/name:/me/alias" or "name" → the linked name and the alias. */
export function parseLink(link: string): { name: string; alias: string } {
  const [rawName = '', rawAlias = ''] = link.split(':');
  const name = rawName.replace(/^\//, '');
  return { name, alias: rawAlias.split('/').pop() || name };
}

/** Lowest port first; tcp before udp on the same number. */
function byPort(a: Port, b: Port): number {
  return a.num - b.num || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : 0);
}

/** The variables for one link of container `me` to `target`. */
export function linkVariables(me: string, alias: string, target: LinkTarget): string[] {
  const prefix = alias.toUpperCase().replace(/-/g, '_');
  const ports = target.exposedPorts.map((p) => {
    const [num = '', proto = 'tcp'] = p.split('/');
    return { num: Number(num), proto: proto.toLowerCase() };
  }).filter((p) => Number.isInteger(p.num) && p.num > 0).sort(byPort);
  const env: string[] = [];
  const key = (p: Port) => `${prefix}_PORT_${p.num}_${p.proto.toUpperCase()}`;
  const url = (p: Port) => `${p.proto}://${target.ip}:${p.num}`;
  if (ports[0]) env.push(`${prefix}_PORT=${url(ports[0])}`);
  for (let i = 0; i < ports.length;) {
    let j = i;
    while (j + 1 < ports.length && ports[j + 1]!.num === ports[j]!.num + 1) j++;
    if (j > i + 1) {
      const p = ports[i]!;
      const q = ports[j]!;
      env.push(`${key(p)}_START=${url(p)}`, `${key(p)}_ADDR=${target.ip}`, `${key(p)}_PROTO=${p.proto}`, `${key(p)}_PORT_START=${p.num}`,
        `${prefix}_PORT_${p.num}_${q.proto.toUpperCase()}_END=${url(q)}`, `${prefix}_PORT_${p.num}_${q.proto.toUpperCase()}_PORT_END=${q.num}`);
      i = j + 1;
    } else {
      i++;
    }
  }
  for (const p of ports) env.push(`${key(p)}=${url(p)}`, `${key(p)}_ADDR=${target.ip}`, `${key(p)}_PORT=${p.num}`, `${key(p)}_PROTO=${p.proto}`);
  env.push(`${prefix}_NAME=/${me}/${alias}`);
  for (const v of target.env) {
    const eq = v.indexOf('=');
    if (eq < 0) continue;
    const name = v.slice(0, eq);
    if (name === 'HOME' || name === 'PATH') continue;
    env.push(`${prefix}_ENV_${name}=${v.slice(eq + 1)}`);
  }
  return env;
}

/** Link variables first, then the container's own environment replacing any of the same name. */
export function withOwnEnvironment(linkEnv: string[], own: string[]): string[] {
  const name = (v: string) => v.split('=')[0];
  const ownNames = new Set(own.map(name));
  return [...linkEnv.filter((v) => !ownNames.has(name(v))), ...own];
}

/**
 * The link variables of a container on the default bridge (on user networks a link is only a name,
 * as in Docker). `target(name)` gives a running linked container's address on the bridge, its
 * environment and exposed ports, or undefined: then the start fails, as Docker's does.
 */
export function linkEnvironment(me: string, links: string[], target: (name: string) => LinkTarget | undefined): string[] {
  return links.flatMap((l) => {
    const { name, alias } = parseLink(l);
    const t = target(name);
    if (!t) throw invalidArgument(`Cannot link to a non running container: /${name} AS /${me}/${alias}`);
    return linkVariables(me, alias, t);
  });
}

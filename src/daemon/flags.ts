// berthd's command line: Docker-like flags, parsed by hand to keep the daemon's start-up small.
import { invalidArgument } from '../common/errors.js';
import { checkInsecureEntry } from '../engine/registry/endpoint.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Runtime = 'auto' | 'runc' | 'crun';

export interface DaemonFlags {
  dataRoot: string;
  execRoot: string;
  /** unix:///path.sock or tcp://host:port */
  host: string;
  runtime: Runtime;
  logLevel: LogLevel;
  logFormat: 'json' | 'text';
  /** host:port for Prometheus metrics; '' (the default) serves none */
  metricsAddr: string;
  /** --insecure-registry (repeatable): registries reachable over plain http besides loopback ones. */
  insecureRegistries: string[];
  help: boolean;
  version: boolean;
}

export const DEFAULTS = {
  dataRoot: '/var/lib/berth',
  execRoot: '/run/berth',
  host: 'unix:///run/berth/berth.sock',
};

export const USAGE = `Usage: berthd [OPTIONS]

A container engine serving the Docker Engine API.

Options:
      --data-root string    Root of persistent state (default "${DEFAULTS.dataRoot}")
      --exec-root string    Root of runtime state (default "${DEFAULTS.execRoot}")
      --insecure-registry list  Registry (host:port or IPv4 CIDR) that may use plain http; loopback ones always may
  -H, --host string         Socket to listen on: unix:///path or tcp://127.0.0.1:port (default "${DEFAULTS.host}")
      --runtime string      OCI runtime: auto, runc or crun (default "auto")
  -l, --log-level string    debug, info, warn or error (default "info")
      --log-format string   json or text (default "json")
      --metrics-addr string Serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9323 (default off)
  -v, --version             Print version information and quit
  -h, --help                Print usage
`;

const VALUE_FLAGS: Record<string, Exclude<keyof DaemonFlags, 'insecureRegistries'> | 'insecureRegistry'> = {
  '--insecure-registry': 'insecureRegistry',
  '--data-root': 'dataRoot',
  '--exec-root': 'execRoot',
  '--host': 'host',
  '-H': 'host',
  '--runtime': 'runtime',
  '--log-level': 'logLevel',
  '-l': 'logLevel',
  '--log-format': 'logFormat',
  '--metrics-addr': 'metricsAddr',
};

export function parseFlags(argv: string[]): DaemonFlags {
  const f: DaemonFlags = { ...DEFAULTS, runtime: 'auto', logLevel: 'info', logFormat: 'json', metricsAddr: '', insecureRegistries: [], help: false, version: false };
  const values: Partial<Record<string, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') { f.help = true; continue; }
    if (arg === '-v' || arg === '--version') { f.version = true; continue; }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_FLAGS[name];
    if (!key) throw invalidArgument(`unknown flag: ${arg}`);
    let value: string | undefined;
    if (name !== arg) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') throw invalidArgument(`flag needs an argument: ${name}`);
    if (key === 'insecureRegistry') {
      const bad = checkInsecureEntry(value);
      if (bad) throw invalidArgument(bad);
      f.insecureRegistries.push(value);
      continue;
    }
    values[key] = value;
  }
  if (values.dataRoot) f.dataRoot = values.dataRoot;
  if (values.execRoot) f.execRoot = values.execRoot;
  if (values.host) f.host = values.host;
  if (values.runtime) {
    if (!['auto', 'runc', 'crun'].includes(values.runtime)) throw invalidArgument(`invalid --runtime "${values.runtime}": use auto, runc or crun`);
    f.runtime = values.runtime as Runtime;
  }
  if (values.logLevel) {
    const l = values.logLevel === 'warning' ? 'warn' : values.logLevel;
    if (!['debug', 'info', 'warn', 'error'].includes(l)) throw invalidArgument(`invalid --log-level "${values.logLevel}": use debug, info, warn or error`);
    f.logLevel = l as LogLevel;
  }
  if (values.logFormat) {
    if (values.logFormat !== 'json' && values.logFormat !== 'text') throw invalidArgument(`invalid --log-format "${values.logFormat}": use json or text`);
    f.logFormat = values.logFormat;
  }
  if (values.metricsAddr) {
    metricsAddress(values.metricsAddr); // validate early
    f.metricsAddr = values.metricsAddr;
  }
  listenAddress(f.host); // validate early
  return f;
}

/** --metrics-addr: "127.0.0.1:9323", "[::1]:9323" or ":9323" (all interfaces), as dockerd takes it. */
export function metricsAddress(addr: string): { host: string; port: number } {
  const m = /^(?:tcp:\/\/)?([^:/\s]*|\[[0-9a-f:]+\]):([0-9]{1,5})$/i.exec(addr);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw invalidArgument(`invalid --metrics-addr "${addr}": use host:port, e.g. 127.0.0.1:9323`);
  return { host: m[1].replace(/^\[|\]$/g, '') || '0.0.0.0', port };
}

export type ListenAddress = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export function listenAddress(host: string): ListenAddress {
  if (host.startsWith('unix://')) {
    const path = host.slice('unix://'.length);
    if (!path.startsWith('/')) throw invalidArgument(`invalid --host "${host}": the socket path must be absolute`);
    return { kind: 'unix', path };
  }
  if (host.startsWith('/')) return { kind: 'unix', path: host };
  const m = /^tcp:\/\/([^:/]+|\[[0-9a-f:]+\]):([0-9]+)$/i.exec(host);
  if (m) {
    const port = Number(m[2]);
    if (port > 65535) throw invalidArgument(`invalid --host "${host}": bad port`);
    return { kind: 'tcp', host: m[1].replace(/^\[|\]$/g, ''), port };
  }
  throw invalidArgument(`invalid --host "${host}": use unix:///path.sock or tcp://127.0.0.1:port`);
}

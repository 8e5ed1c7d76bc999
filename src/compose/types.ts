// The typed Compose model the orchestrator consumes: a loaded, merged, normalised and validated
// project. Short syntaxes are already in long form; durations are Go-formatted strings such as
// "1m30s" (see parseDuration in units.ts for nanoseconds) and byte sizes are numbers of bytes.
import type { PortConfig } from './ports.js';
import type { VolumeMount } from './volumes.js';

export type { PortConfig, VolumeMount };

export interface BuildConfig {
  context: string;
  dockerfile?: string;
  dockerfile_inline?: string;
  args?: Record<string, string | null>;
  labels?: Record<string, string>;
  target?: string;
  [key: string]: unknown;
}

export interface DependsOn {
  condition: 'service_started' | 'service_healthy' | 'service_completed_successfully';
  restart?: boolean;
  required: boolean;
}

export interface HealthCheck {
  test?: string[];
  timeout?: string;
  interval?: string;
  retries?: number;
  start_period?: string;
  start_interval?: string;
  disable?: boolean;
}

/** A service's attachment to a network; null means "attached, no options". */
export interface ServiceNetwork {
  aliases?: string[];
  ipv4_address?: string;
  ipv6_address?: string;
  priority?: number;
  [key: string]: unknown;
}

export interface FileMount {
  source: string;
  target?: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

export interface ServiceConfig {
  /** The service's key in `services:`. */
  name: string;
  image?: string;
  build?: BuildConfig;
  command?: string[] | null;
  entrypoint?: string[] | null;
  container_name?: string;
  depends_on?: Record<string, DependsOn>;
  environment?: Record<string, string | null>;
  labels?: Record<string, string>;
  ports?: PortConfig[];
  volumes?: VolumeMount[];
  networks?: Record<string, ServiceNetwork | null>;
  network_mode?: string;
  healthcheck?: HealthCheck;
  restart?: string;
  scale?: number;
  deploy?: { replicas?: number; [key: string]: unknown };
  profiles?: string[];
  secrets?: FileMount[];
  configs?: FileMount[];
  working_dir?: string;
  user?: string;
  stop_grace_period?: string;
  /** Every other Compose attribute, in its normalised form, and `x-*` extensions. */
  [key: string]: unknown;
}

export interface NetworkConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  ipam?: { driver?: string; config?: Array<Record<string, unknown>> };
  external?: boolean;
  internal?: boolean;
  attachable?: boolean;
  labels?: Record<string, string>;
  enable_ipv6?: boolean;
  [key: string]: unknown;
}

export interface VolumeConfig {
  name: string;
  driver?: string;
  driver_opts?: Record<string, string>;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface FileObjectConfig {
  name: string;
  file?: string;
  environment?: string;
  content?: string;
  external?: boolean;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface Project {
  name: string;
  /** Absolute project directory: relative paths were resolved against it. */
  workingDir: string;
  /** The Compose files loaded, in order (absolute, or `-` for stdin). */
  composeFiles: string[];
  /** The environment used for interpolation (shell env over env files). */
  environment: Record<string, string>;
  /** Enabled services by name (profiles applied). */
  services: Record<string, ServiceConfig>;
  /** Services disabled by profiles. */
  disabledServices: Record<string, ServiceConfig>;
  networks: Record<string, NetworkConfig>;
  volumes: Record<string, VolumeConfig>;
  secrets: Record<string, FileObjectConfig>;
  configs: Record<string, FileObjectConfig>;
  /** Top-level `x-*` extensions. */
  extensions: Record<string, unknown>;
  /** Active profiles. */
  profiles: string[];
}

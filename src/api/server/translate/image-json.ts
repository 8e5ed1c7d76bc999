// The engine's ImageRecord → Docker's image JSON: list summaries, inspect, history.
import type { ImageRecord, OciImageConfig } from '../../../engine/types.js';
import { versionAtLeast } from '../wire/api-version.js';
import { unixSeconds, ZERO_TIME } from './durations.js';

type Json = Record<string, unknown>;

export function imageSummary(img: ImageRecord, apiVersion: string, containers = -1): Json {
  const out: Json = {
    Containers: containers,
    Created: unixSeconds(img.created),
    Id: img.id,
    Labels: img.config.Labels ?? null,
    ParentId: img.parent ?? '',
    RepoDigests: img.repoDigests,
    RepoTags: img.repoTags,
    SharedSize: -1,
    Size: img.size,
  };
  // VirtualSize left the API in 1.44.
  if (!versionAtLeast(apiVersion, '1.44')) out.VirtualSize = img.size;
  return out;
}

/** Docker shows the image config with every container-config field present. */
export function imageConfigJson(c: OciImageConfig): Json {
  return {
    Hostname: '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: c.ExposedPorts,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    Healthcheck: c.Healthcheck,
    ArgsEscaped: c.ArgsEscaped,
    Image: '',
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? '',
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: c.OnBuild ?? null,
    Labels: c.Labels ?? null,
    StopSignal: c.StopSignal,
    Shell: c.Shell,
  };
}

export function imageInspect(img: ImageRecord, apiVersion: string): Json {
  const out: Json = {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent ?? '',
    Comment: img.comment ?? '',
    Created: img.created,
    DockerVersion: '',
    Author: img.author ?? '',
    Config: imageConfigJson(img.config),
    Architecture: img.architecture,
    Os: img.os,
    Size: img.size,
    GraphDriver: { Name: 'overlay2', Data: null },
    RootFS: { Type: 'layers', Layers: img.diffIds },
    Metadata: { LastTagTime: ZERO_TIME },
  };
  if (img.variant) out.Variant = img.variant;
  if (!versionAtLeast(apiVersion, '1.44')) out.VirtualSize = img.size;
  if (!versionAtLeast(apiVersion, '1.45')) {
    out.Container = '';
    out.ContainerConfig = imageConfigJson({});
  }
  return out;
}

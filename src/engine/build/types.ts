// What a build is asked for and how it reports: the engine's side of POST /build.
import type { RegistryAuth, TransferProgress } from '../registry/types.js';

export interface BuildOptions {
  /** Path of the Dockerfile inside the context (default "Dockerfile"). */
  dockerfile?: string;
  /** Full references to tag the result with. */
  tags: string[];
  /** --build-arg values; null: take it from the daemon's environment (Docker's `--build-arg NAME`). */
  buildArgs: Record<string, string | null>;
  target?: string;
  noCache: boolean;
  /** Pull every FROM image from its registry even when it is present (a missing one is always pulled). */
  pull: boolean;
  /** Registry credentials by registry host (Docker's X-Registry-Config), for pulling FROM images. */
  registryAuth?: Record<string, RegistryAuth>;
  labels: Record<string, string>;
  /** Network mode of RUN containers: default (the bridge), bridge, host, none or a network. */
  networkMode?: string;
  /** Remove intermediate containers after a successful step (default true) / always. */
  rm: boolean;
  forceRm: boolean;
}

/** The classic builder's output, as Docker's JSON messages carry it. */
export interface BuildReporter {
  /** Text for the user ("Step 1/5 : FROM busybox\n", RUN output ...). */
  stream(text: string): void;
  /** The image built (Docker's {"aux":{"ID":...}}). */
  aux(id: string): void;
  /** Pull progress of a FROM image, as Docker's JSON progress messages carry it. */
  progress?(p: TransferProgress): void;
}

export interface BuildResult { imageId: string; tags: string[] }

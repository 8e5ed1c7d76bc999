// What a build is asked for and how it reports: the engine's side of POST /build.
export interface BuildOptions {
  /** Path of the Dockerfile inside the context (default "Dockerfile"). */
  dockerfile?: string;
  /** Full references to tag the result with. */
  tags: string[];
  /** --build-arg values; null: take it from the daemon's environment (Docker's `--build-arg NAME`). */
  buildArgs: Record<string, string | null>;
  target?: string;
  noCache: boolean;
  /** Accepted; berth builds from local images (there is no registry pull in the builder). */
  pull: boolean;
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
}

export interface BuildResult { imageId: string; tags: string[] }

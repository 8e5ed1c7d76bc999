// What the engine's registry side takes and reports, independent of the wire format.

/** Credentials as the docker CLI sends them (X-Registry-Auth, POST /auth), already decoded. */
export interface RegistryAuth {
  username?: string;
  password?: string;
  /** A refresh token from an earlier login (OAuth2 registries). */
  identitytoken?: string;
  /** A bearer token to use as is. */
  registrytoken?: string;
  serveraddress?: string;
}

/** One progress message of a pull or push, shaped as Docker streams them (the bar is drawn by the API layer). */
export interface TransferProgress {
  status: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
}

export interface PullResult { id: string; digest: string; reference: string }
export interface PushResult { tag: string; digest: string; size: number }

export interface SearchResult { name: string; description: string; star_count: number; is_official: boolean; is_automated: boolean }

export interface DistributionInspect {
  descriptor: { mediaType: string; digest: string; size: number };
  platforms: { architecture: string; os: string; variant?: string }[];
}

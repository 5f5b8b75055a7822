// An OCI distribution client on fetch: manifests by tag or digest through the
// mirrors and then the registry, blobs streamed into the content store and
// checked against their digest, and the push half (blob uploads, manifests).

import type { Logger } from '../logger.ts';
import type { BlobWriter } from './content-store.ts';
import { sha256Digest } from './content-store.ts';
import type { CredentialLookup } from './docker-credentials.ts';
import type { RegistryReference } from './image-ref.ts';
import { manifestReference } from './image-ref.ts';
import { MANIFEST_ACCEPT, manifestMediaType } from './media-types.ts';
import { RegistryAuth, errorText } from './registry-auth.ts';
import type { RegistryConfig, RegistryEndpoint } from './registry-config.ts';
import { endpointsFor } from './registry-config.ts';

/** What a client is built from. */
export interface RegistryClientOptions {
  config: RegistryConfig;
  credentials: CredentialLookup;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch, for token expiry. */
  now?: () => number;
  logger?: Logger;
}

/** A manifest or index as a registry served it, checked against its digest. */
export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  /** Where it came from; blobs are fetched from there first. */
  endpoint: RegistryEndpoint;
}

/** A manifest's digest and type, as a HEAD request tells them. */
export interface ManifestHead {
  digest: string;
  mediaType?: string;
  endpoint: RegistryEndpoint;
}

/** Bytes to upload, readable more than once (a retry re-reads them). */
export type BodySource = () => NonNullable<RequestInit['body']>;

interface RequestInit2 {
  method?: string;
  headers?: Record<string, string>;
  body?: BodySource;
  /** Streams need `duplex: 'half'` in Node's fetch. */
  streaming?: boolean;
}

/** A failure that the next endpoint may not have (not found, unreachable). */
class EndpointError extends Error {
  constructor(
    message: string,
    readonly notFound: boolean,
  ) {
    super(message);
  }
}

const MAX_REDIRECTS = 5;
const MAX_AUTH_ROUNDS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Talks the distribution API to the registries of a config. */
export class RegistryClient {
  private readonly auth: RegistryAuth;
  private readonly fetch: typeof fetch;
  /** The scheme that answered, per host, so failed HTTPS is tried once. */
  private readonly schemes = new Map<string, 'http' | 'https'>();

  constructor(private readonly options: RegistryClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.auth = new RegistryAuth({
      credentials: options.credentials,
      fetch: this.fetch,
      now: options.now ?? Date.now,
    });
  }

  /** Lists the endpoints for a reference: mirrors first for pulls. */
  endpoints(
    ref: RegistryReference,
    purpose: 'pull' | 'push',
  ): RegistryEndpoint[] {
    return endpointsFor(this.options.config, ref.registry, purpose);
  }

  /** Finds the digest a tag (or digest) names, trying each pull endpoint in turn. */
  async headManifest(ref: RegistryReference): Promise<ManifestHead> {
    return this.eachEndpoint(ref, async (endpoint) => {
      const path = `manifests/${manifestReference(ref)}`;
      const response = await this.request(endpoint, ref, path, pullScope(ref), {
        method: 'HEAD',
        headers: { accept: MANIFEST_ACCEPT },
      });
      await this.expectOk(response, ref, 'HEAD', endpoint);
      const digest =
        ref.digest ?? response.headers.get('docker-content-digest');
      if (!digest) {
        // Without the header only the bytes can tell the digest.
        const fetched = await this.getManifestFrom(endpoint, ref);
        return {
          digest: fetched.digest,
          mediaType: fetched.mediaType,
          endpoint,
        };
      }
      const type = response.headers.get('content-type')?.split(';')[0];
      return { digest, mediaType: type, endpoint };
    });
  }

  /** Fetches a manifest or index by tag or digest, trying each pull endpoint in turn. */
  async getManifest(
    ref: RegistryReference,
    first?: RegistryEndpoint,
  ): Promise<FetchedManifest> {
    return this.eachEndpoint(
      ref,
      (endpoint) => this.getManifestFrom(endpoint, ref),
      first,
    );
  }

  /**
   * Streams a blob into `writer`, which checks its digest; tries the
   * endpoint the manifest came from first, then the others.
   */
  async fetchBlob(
    ref: RegistryReference,
    digest: string,
    open: () => BlobWriter,
    onBytes: (received: number) => void,
    first?: RegistryEndpoint,
  ): Promise<void> {
    await this.eachEndpoint(
      ref,
      async (endpoint) => {
        const response = await this.request(
          endpoint,
          ref,
          `blobs/${digest}`,
          pullScope(ref),
        );
        await this.expectOk(response, ref, 'GET', endpoint, digest);
        const writer = open();
        let received = 0;
        try {
          for await (const chunk of response.body ?? []) {
            await writer.write(chunk as Uint8Array);
            received += (chunk as Uint8Array).byteLength;
            onBytes(received);
          }
          await writer.commit();
        } catch (error) {
          writer.discard();
          throw error;
        }
      },
      first,
    );
  }

  /** Reports whether the registry already holds a blob in the repository. */
  async hasBlob(ref: RegistryReference, digest: string): Promise<boolean> {
    const endpoint = this.pushEndpoint(ref);
    const response = await this.request(
      endpoint,
      ref,
      `blobs/${digest}`,
      pushScope(ref),
      { method: 'HEAD' },
    );
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (response.ok) return true;
    throw new Error(
      `failed to check blob ${digest} in ${ref.full}: ${response.status} ${response.statusText}`,
    );
  }

  /**
   * Uploads a blob: POST opens a session (a 202, even when a digest is
   * given), PUT to the newest Location with `digest=` closes it.
   */
  async pushBlob(
    ref: RegistryReference,
    digest: string,
    size: number,
    body: BodySource,
  ): Promise<void> {
    const endpoint = this.pushEndpoint(ref);
    const scopes = pushScope(ref);
    const opened = await this.request(endpoint, ref, 'blobs/uploads/', scopes, {
      method: 'POST',
      headers: { 'content-length': '0' },
    });
    if (opened.status !== 202 && opened.status !== 201) {
      throw new Error(
        `failed to push ${ref.full}: starting the upload of ${digest}: ${await errorText(opened)}`,
      );
    }
    await opened.body?.cancel();
    if (opened.status === 201) return;

    const location = uploadLocation(opened);
    location.searchParams.set('digest', digest);
    const closed = await this.request(endpoint, ref, location, scopes, {
      method: 'PUT',
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(size),
      },
      body,
      streaming: true,
    });
    if (closed.status !== 201 && closed.status !== 204) {
      throw new Error(
        `failed to push ${ref.full}: uploading ${digest}: ${await errorText(closed)}`,
      );
    }
    const stored = closed.headers.get('docker-content-digest');
    await closed.body?.cancel();
    if (stored && stored !== digest) {
      throw new Error(
        `failed to push ${ref.full}: the registry stored ${digest} as ${stored}`,
      );
    }
  }

  /** Uploads a manifest or index under a tag or its digest; returns the digest of the bytes. */
  async pushManifest(
    ref: RegistryReference,
    reference: string,
    mediaType: string,
    bytes: Buffer,
  ): Promise<string> {
    const endpoint = this.pushEndpoint(ref);
    const digest = sha256Digest(bytes);
    const response = await this.request(
      endpoint,
      ref,
      `manifests/${reference}`,
      pushScope(ref),
      {
        method: 'PUT',
        headers: { 'content-type': mediaType },
        body: () => bytes,
      },
    );
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(
        `failed to push ${ref.full}: manifest ${reference}: ${await errorText(response)}`,
      );
    }
    await response.body?.cancel();
    return digest;
  }

  private pushEndpoint(ref: RegistryReference): RegistryEndpoint {
    const endpoints = this.endpoints(ref, 'push');
    return endpoints[endpoints.length - 1]!;
  }

  private async getManifestFrom(
    endpoint: RegistryEndpoint,
    ref: RegistryReference,
    reference = manifestReference(ref),
  ): Promise<FetchedManifest> {
    const response = await this.request(
      endpoint,
      ref,
      `manifests/${reference}`,
      pullScope(ref),
      { headers: { accept: MANIFEST_ACCEPT } },
    );
    await this.expectOk(response, ref, 'GET', endpoint);
    const bytes = Buffer.from(await response.arrayBuffer());
    const digest = sha256Digest(bytes);
    const expected = reference.startsWith('sha256:')
      ? reference
      : response.headers.get('docker-content-digest');
    if (expected && expected !== digest) {
      throw new Error(
        `failed to verify manifest ${ref.full}: digest mismatch: expected ${expected}, got ${digest}`,
      );
    }
    let document: Record<string, unknown>;
    try {
      document = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Error(`failed to read manifest ${ref.full}: not JSON`);
    }
    const mediaType = manifestMediaType(
      response.headers.get('content-type'),
      document,
    );
    if (!mediaType) {
      throw new Error(
        `failed to read manifest ${ref.full}: unsupported media type ${response.headers.get('content-type')}`,
      );
    }
    return { digest, mediaType, bytes, endpoint };
  }

  /**
   * Runs `work` against each pull endpoint until one succeeds; like
   * containerd, a 404 moves on silently and the first other error is kept.
   */
  private async eachEndpoint<T>(
    ref: RegistryReference,
    work: (endpoint: RegistryEndpoint) => Promise<T>,
    first?: RegistryEndpoint,
  ): Promise<T> {
    const all = this.endpoints(ref, 'pull');
    const ordered = first
      ? [first, ...all.filter((e) => !sameEndpoint(e, first))]
      : all;
    let firstError: Error | undefined;
    for (const endpoint of ordered) {
      try {
        return await work(endpoint);
      } catch (error) {
        const failure = error as Error;
        this.options.logger?.debug(
          'registry',
          `${endpoint.host}${endpoint.mirror ? ' (mirror)' : ''}: ${failure.message}`,
        );
        if (!(failure instanceof EndpointError && failure.notFound)) {
          firstError ??= failure;
        }
      }
    }
    throw firstError ?? new Error(`${ref.full}: not found`);
  }

  private async expectOk(
    response: Response,
    ref: RegistryReference,
    method: string,
    endpoint: RegistryEndpoint,
    blob?: string,
  ): Promise<void> {
    if (response.ok) return;
    const what = blob ? `${ref.full}: blob ${blob}` : ref.full;
    if (response.status === 404) {
      await response.body?.cancel();
      throw new EndpointError(`${what}: not found`, true);
    }
    if (response.status === 401 || response.status === 403) {
      const text = await errorText(response);
      throw new EndpointError(
        `pull access denied, repository does not exist or may require authorization: server message: ${text}`,
        false,
      );
    }
    throw new EndpointError(
      `unexpected status from ${method} request to ${endpoint.host}: ${await errorText(response)}`,
      false,
    );
  }

  /**
   * Sends one API request: the known scheme first, redirects followed by
   * hand (Authorization is dropped on another host), and 401 answered with
   * the credentials or token the challenge asks for.
   */
  private async request(
    endpoint: RegistryEndpoint,
    ref: RegistryReference,
    path: string | URL,
    scopes: string[],
    init: RequestInit2 = {},
  ): Promise<Response> {
    const known = this.schemes.get(endpoint.host);
    const schemes = known ? [known] : endpoint.schemes;
    let lastError: Error | undefined;
    for (const scheme of schemes) {
      const url =
        path instanceof URL
          ? path
          : new URL(
              `${scheme}://${endpoint.host}${endpoint.prefix}/v2/${ref.repository}/${path}`,
            );
      try {
        const response = await this.authorized(endpoint, url, scopes, init);
        this.schemes.set(endpoint.host, scheme);
        return response;
      } catch (error) {
        if (!(error instanceof ConnectError)) throw error;
        lastError = error;
        if (path instanceof URL) break;
      }
    }
    throw lastError ?? new Error('internal: no scheme to try');
  }

  private async authorized(
    endpoint: RegistryEndpoint,
    url: URL,
    scopes: string[],
    init: RequestInit2,
  ): Promise<Response> {
    let header = await this.auth.header(endpoint.host, scopes);
    let wanted = scopes;
    for (let round = 0; ; round++) {
      const response = await this.follow(url, init, header);
      if (response.status !== 401 || round >= MAX_AUTH_ROUNDS) return response;
      const answer = await this.auth.answer(
        endpoint.host,
        response,
        wanted,
        header,
      );
      header = answer.header;
      wanted = answer.scopes;
    }
  }

  private async follow(
    start: URL,
    init: RequestInit2,
    authorization: string | undefined,
  ): Promise<Response> {
    let url = start;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const headers: Record<string, string> = { ...init.headers };
      if (authorization && url.origin === start.origin) {
        headers.authorization = authorization;
      }
      const method = init.method ?? 'GET';
      let response: Response;
      try {
        const body = init.body?.();
        response = await this.fetch(url, {
          method,
          headers,
          body,
          redirect: 'manual',
          ...(init.streaming && body ? { duplex: 'half' } : {}),
        } as RequestInit);
      } catch (error) {
        const cause = (error as { cause?: Error }).cause ?? (error as Error);
        throw new ConnectError(
          `failed to do request: ${titleCase(method)} "${url}": ${cause.message}`,
        );
      }
      const location = response.headers.get('location');
      // Upload sessions answer 202 with a Location too; only 3xx redirect.
      if (!REDIRECTS.has(response.status) || !location) return response;
      await response.body?.cancel();
      url = new URL(location, url);
    }
    throw new Error(`failed to do request: too many redirects from ${start}`);
  }
}

/** A request that never reached a server. */
class ConnectError extends Error {}

function pullScope(ref: RegistryReference): string[] {
  return [`repository:${ref.repository}:pull`];
}

function pushScope(ref: RegistryReference): string[] {
  return [`repository:${ref.repository}:pull,push`];
}

function uploadLocation(response: Response): URL {
  const location = response.headers.get('location');
  if (!location) {
    throw new Error(
      'failed to push: the registry opened an upload without a Location',
    );
  }
  return new URL(location, response.url);
}

function sameEndpoint(a: RegistryEndpoint, b: RegistryEndpoint): boolean {
  return a.host === b.host && a.prefix === b.prefix && a.mirror === b.mirror;
}

function titleCase(method: string): string {
  return method.charAt(0) + method.slice(1).toLowerCase();
}

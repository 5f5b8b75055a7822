// Authorization for registry requests: Basic credentials, and Bearer tokens
// from the realm a 401 names (Docker Hub's token flow), cached per host and
// scope set, and asked for again with the wider scope on insufficient_scope.

import type {
  CredentialLookup,
  RegistryCredentials,
} from './docker-credentials.ts';
import { parseChallenges, type AuthChallenge } from './www-authenticate.ts';

/** What the auth layer needs from its surroundings. */
export interface RegistryAuthOptions {
  credentials: CredentialLookup;
  fetch: typeof fetch;
  /** Milliseconds since the epoch. */
  now: () => number;
}

interface CachedToken {
  token: string;
  expires: number;
}

/** Seconds a token lives when the server does not say. */
const DEFAULT_TOKEN_SECONDS = 60;
/** Renew a token this long before it expires. */
const EXPIRY_MARGIN_MS = 5_000;

/** Authorizes requests to registry hosts. */
export class RegistryAuth {
  private readonly challenges = new Map<string, AuthChallenge>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly pending = new Map<string, Promise<CachedToken>>();

  constructor(private readonly options: RegistryAuthOptions) {}

  /** Returns the Authorization header for a request, when the host has asked for one before. */
  async header(host: string, scopes: string[]): Promise<string | undefined> {
    const challenge = this.challenges.get(host);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return this.basic(host);
    const cached = this.tokens.get(tokenKey(host, challenge, scopes));
    if (cached && cached.expires > this.options.now()) {
      return `Bearer ${cached.token}`;
    }
    return `Bearer ${(await this.token(host, challenge, scopes)).token}`;
  }

  /**
   * Reads a 401's challenge and returns the header to retry with and the
   * scopes it covers; throws when no retry can succeed.
   */
  async answer(
    host: string,
    response: Response,
    scopes: string[],
    sent: string | undefined,
  ): Promise<{ header: string; scopes: string[] }> {
    const header = response.headers.get('www-authenticate') ?? '';
    const challenge = parseChallenges(header).find(
      (c) => c.scheme === 'bearer' || c.scheme === 'basic',
    );
    if (!challenge) {
      throw new Error(`unauthorized: ${await errorText(response)}`);
    }
    this.challenges.set(host, challenge);

    if (challenge.scheme === 'basic') {
      const basic = this.basic(host);
      if (!basic || basic === sent) {
        throw new Error(
          `failed to authorize: ${basic ? 'credentials rejected' : 'no credentials'} for ${host} (basic auth): ${await errorText(response)}`,
        );
      }
      return { header: basic, scopes };
    }

    const widened = mergeScopes([
      ...scopes,
      ...splitScopes(challenge.params.scope),
    ]);
    const key = tokenKey(host, challenge, widened);
    const cached = this.tokens.get(key);
    if (
      cached &&
      `Bearer ${cached.token}` !== sent &&
      cached.expires > this.options.now()
    ) {
      return { header: `Bearer ${cached.token}`, scopes: widened };
    }
    // The token we sent was refused (expired or revoked): never reuse it.
    this.tokens.delete(key);
    const fresh = await this.token(host, challenge, widened);
    return { header: `Bearer ${fresh.token}`, scopes: widened };
  }

  private basic(host: string): string | undefined {
    const credentials = this.options.credentials(host);
    if (credentials?.username === undefined) return undefined;
    const pair = `${credentials.username}:${credentials.password ?? ''}`;
    return `Basic ${Buffer.from(pair).toString('base64')}`;
  }

  private token(
    host: string,
    challenge: AuthChallenge,
    scopes: string[],
  ): Promise<CachedToken> {
    const key = tokenKey(host, challenge, scopes);
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.fetchToken(host, challenge, scopes).finally(() =>
        this.pending.delete(key),
      );
      this.pending.set(key, pending);
    }
    return pending;
  }

  private async fetchToken(
    host: string,
    challenge: AuthChallenge,
    scopes: string[],
  ): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm)
      throw new Error(
        `failed to authorize: ${host} sent a Bearer challenge without a realm`,
      );
    const credentials = this.options.credentials(host);
    const response = credentials?.identityToken
      ? await this.refreshTokenRequest(realm, challenge, scopes, credentials)
      : await this.tokenRequest(realm, challenge, scopes, credentials);

    const body = (await response.json()) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const token = body.token ?? body.access_token;
    if (!token)
      throw new Error(`failed to authorize: ${realm} returned no token`);
    const seconds = body.expires_in ?? DEFAULT_TOKEN_SECONDS;
    const cached = {
      token,
      expires: this.options.now() + seconds * 1000 - EXPIRY_MARGIN_MS,
    };
    this.tokens.set(tokenKey(host, challenge, scopes), cached);
    return cached;
  }

  private async tokenRequest(
    realm: string,
    challenge: AuthChallenge,
    scopes: string[],
    credentials: RegistryCredentials | undefined,
  ): Promise<Response> {
    const url = new URL(realm);
    if (challenge.params.service)
      url.searchParams.set('service', challenge.params.service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    const anonymous = credentials?.username === undefined;
    if (!anonymous) {
      url.searchParams.set('account', credentials.username!);
      const pair = `${credentials.username}:${credentials.password ?? ''}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    const response = await this.options.fetch(url, { headers });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(
        `failed to authorize: failed to fetch ${anonymous ? 'anonymous ' : ''}token: unexpected status from GET request to ${url}: ${response.status} ${response.statusText}`,
      );
    }
    return response;
  }

  private async refreshTokenRequest(
    realm: string,
    challenge: AuthChallenge,
    scopes: string[],
    credentials: RegistryCredentials,
  ): Promise<Response> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.identityToken!,
      client_id: 'slipway',
      scope: scopes.join(' '),
    });
    if (challenge.params.service) form.set('service', challenge.params.service);
    const response = await this.options.fetch(realm, {
      method: 'POST',
      body: form,
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(
        `failed to authorize: failed to fetch oauth token: unexpected status from POST request to ${realm}: ${response.status} ${response.statusText}`,
      );
    }
    return response;
  }
}

/**
 * Merges scopes on one resource: `repository:a:pull` and
 * `repository:a:push` become `repository:a:pull,push`.
 */
export function mergeScopes(scopes: string[]): string[] {
  const actions = new Map<string, Set<string>>();
  for (const scope of scopes) {
    const colon = scope.lastIndexOf(':');
    if (colon <= 0) continue;
    const resource = scope.slice(0, colon);
    const set = actions.get(resource) ?? new Set<string>();
    for (const action of scope.slice(colon + 1).split(',')) {
      if (action) set.add(action);
    }
    actions.set(resource, set);
  }
  return [...actions.entries()]
    .map(([resource, set]) => `${resource}:${[...set].sort().join(',')}`)
    .sort();
}

function splitScopes(scope: string | undefined): string[] {
  return scope ? scope.split(' ').filter((s) => s !== '') : [];
}

function tokenKey(
  host: string,
  challenge: AuthChallenge,
  scopes: string[],
): string {
  return [
    host,
    challenge.params.realm ?? '',
    challenge.params.service ?? '',
    mergeScopes(scopes).join(' '),
  ].join('|');
}

/** Returns a registry error body as `CODE: message` lines, or the status. */
export async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as {
      errors?: { code?: string; message?: string }[];
    };
    const errors = body.errors ?? [];
    if (errors.length > 0) {
      return errors
        .map((e) =>
          [e.code?.toLowerCase(), e.message].filter(Boolean).join(': '),
        )
        .join('; ');
    }
  } catch {
    // Not JSON: fall through to the status line.
  }
  const trimmed = text.trim();
  return trimmed && trimmed.length < 200
    ? `${response.status} ${trimmed}`
    : `${response.status} ${response.statusText}`;
}

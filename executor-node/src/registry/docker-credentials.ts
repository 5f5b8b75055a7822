// Registry credentials from a Docker client config (`~/.docker/config.json`,
// or `$DOCKER_CONFIG/config.json`): the `auths` entries, base64 `auth` or
// `username`/`password`, and identity (refresh) tokens.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a registry may be given to prove who we are. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** An OAuth refresh token (`identitytoken`), used with token servers. */
  identityToken?: string;
}

/** Looks up credentials by registry host. */
export type CredentialLookup = (
  host: string,
) => RegistryCredentials | undefined;

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

const DOCKER_HUB_KEYS = [
  'https://index.docker.io/v1/',
  'index.docker.io',
  'docker.io',
  'registry-1.docker.io',
];

/** Returns the config file Docker's client reads, for `env`. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** Reads the `auths` of a Docker config file; a missing file means none. */
export function readDockerCredentials(file: string): CredentialLookup {
  let auths: Record<string, AuthEntry> = {};
  if (fs.existsSync(file)) {
    let parsed: { auths?: Record<string, AuthEntry> };
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof parsed;
    } catch (error) {
      throw new Error(
        `failed to read registry credentials "${file}": ${(error as Error).message}`,
      );
    }
    auths = parsed.auths ?? {};
  }
  const byHost = new Map<string, AuthEntry>();
  for (const [key, entry] of Object.entries(auths)) {
    byHost.set(hostOfKey(key), entry);
  }

  return (host) => {
    const keys = isDockerHub(host) ? DOCKER_HUB_KEYS : [host];
    for (const key of keys) {
      const entry = byHost.get(hostOfKey(key));
      const credentials = entry && toCredentials(entry);
      if (credentials) return credentials;
    }
    return undefined;
  };
}

/** Creates a lookup over fixed credentials, keyed by host. */
export function staticCredentials(
  entries: Record<string, RegistryCredentials>,
): CredentialLookup {
  return (host) =>
    entries[host] ?? (isDockerHub(host) ? entries['docker.io'] : undefined);
}

function toCredentials(entry: AuthEntry): RegistryCredentials | undefined {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return {
        username: decoded.slice(0, colon),
        password: decoded.slice(colon + 1),
      };
    }
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/** `https://index.docker.io/v1/` and `index.docker.io` name one host. */
function hostOfKey(key: string): string {
  return key.replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
}

function isDockerHub(host: string): boolean {
  return DOCKER_HUB_KEYS.some((key) => hostOfKey(key) === host);
}

// Registry settings: buildkitd.toml's `[registry."host"]` tables (mirrors,
// http, insecure) merged with `--registry-mirror` and `--insecure-registry`,
// and the endpoints a request for one registry tries, in order.

import fs from 'node:fs';

import { parse as parseToml } from 'smol-toml';

import { apiHost, isLoopbackHost } from './image-ref.ts';

/** Settings of one registry host. */
export interface RegistryHostConfig {
  /** Mirrors tried before the registry itself, for pulls only. */
  mirrors: string[];
  /** Speak plain HTTP to this host. */
  http?: boolean;
  /** Allow plain HTTP when HTTPS fails (Docker's insecure registries). */
  insecure?: boolean;
}

/** Settings by registry host, as in buildkitd.toml. */
export interface RegistryConfig {
  hosts: Record<string, RegistryHostConfig>;
}

/** The registry settings a build was given on the command line. */
export interface RegistryFlags {
  /** A buildkitd.toml-shaped file. */
  configFile?: string;
  /** `REGISTRY=MIRROR` items, e.g. `docker.io=http://127.0.0.1:5000`. */
  mirrors?: string[];
  /** Hosts that may be reached over plain HTTP. */
  insecure?: string[];
}

/** One place a request can go. */
export interface RegistryEndpoint {
  /** The host (and port) credentials and tokens are looked up by. */
  host: string;
  /** Schemes to try in order; a later one only when the earlier cannot connect. */
  schemes: ('https' | 'http')[];
  /** A path before `/v2`, for mirrors served under one. */
  prefix: string;
  /** Whether this is a mirror rather than the registry itself. */
  mirror: boolean;
}

/** The file BuildKit's daemon reads when none is named. */
export const DEFAULT_REGISTRY_CONFIG = '/etc/buildkit/buildkitd.toml';

/** Reads the `registry` tables of a buildkitd.toml text. */
export function parseRegistryToml(text: string, file: string): RegistryConfig {
  let document: Record<string, unknown>;
  try {
    document = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new Error(
      `failed to read registry config "${file}": ${(error as Error).message}`,
    );
  }
  const hosts: Record<string, RegistryHostConfig> = {};
  const tables = (document.registry ?? {}) as Record<string, unknown>;
  for (const [host, value] of Object.entries(tables)) {
    const table = (value ?? {}) as Record<string, unknown>;
    const mirrors = table.mirrors ?? [];
    if (!Array.isArray(mirrors) || mirrors.some((m) => typeof m !== 'string')) {
      throw new Error(
        `failed to read registry config "${file}": registry."${host}".mirrors must be a list of strings`,
      );
    }
    hosts[host] = {
      mirrors: mirrors as string[],
      http: table.http === true ? true : undefined,
      insecure: table.insecure === true ? true : undefined,
    };
  }
  return { hosts };
}

/** Merges the config file (the named one, else BuildKit's default if present) with the flags. */
export function resolveRegistryConfig(
  flags: RegistryFlags = {},
): RegistryConfig {
  const file =
    flags.configFile ??
    (fs.existsSync(DEFAULT_REGISTRY_CONFIG)
      ? DEFAULT_REGISTRY_CONFIG
      : undefined);
  const config: RegistryConfig = file
    ? parseRegistryToml(readConfig(file), file)
    : { hosts: {} };
  const host = (name: string) => (config.hosts[name] ??= { mirrors: [] });

  for (const item of flags.mirrors ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) {
      throw new Error(
        `invalid --registry-mirror "${item}": expected REGISTRY=MIRROR, e.g. docker.io=http://127.0.0.1:5000`,
      );
    }
    host(item.slice(0, eq)).mirrors.push(item.slice(eq + 1));
  }
  for (const name of flags.insecure ?? []) host(name).insecure = true;
  return config;
}

/** Lists where a pull or push for `registry` goes: mirrors first for pulls, then the registry. */
export function endpointsFor(
  config: RegistryConfig,
  registry: string,
  purpose: 'pull' | 'push',
): RegistryEndpoint[] {
  const settings = config.hosts[registry];
  const endpoints: RegistryEndpoint[] = [];
  if (purpose === 'pull') {
    for (const mirror of settings?.mirrors ?? []) {
      endpoints.push(mirrorEndpoint(config, mirror));
    }
  }
  const host = apiHost(registry);
  endpoints.push({
    host,
    schemes: schemesFor(host, config.hosts[host] ?? settings),
    prefix: '',
    mirror: false,
  });
  return endpoints;
}

function mirrorEndpoint(
  config: RegistryConfig,
  mirror: string,
): RegistryEndpoint {
  const scheme = /^(https?):\/\//.exec(mirror)?.[1] as
    'http' | 'https' | undefined;
  const rest = scheme ? mirror.slice(scheme.length + 3) : mirror;
  const slash = rest.indexOf('/');
  const host = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash).replace(/\/+$/, '');
  return {
    host,
    schemes: scheme ? [scheme] : schemesFor(host, config.hosts[host]),
    prefix: prefix.replace(/\/v2$/, ''),
    mirror: true,
  };
}

function schemesFor(
  host: string,
  settings: RegistryHostConfig | undefined,
): ('https' | 'http')[] {
  if (settings?.http) return ['http'];
  if (settings?.insecure || isLoopbackHost(host)) return ['https', 'http'];
  return ['https'];
}

function readConfig(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(
      `failed to read registry config "${file}": ${(error as Error).message}`,
    );
  }
}

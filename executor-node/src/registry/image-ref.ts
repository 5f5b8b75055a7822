// An image reference split for the distribution API: the registry as users
// name it (`docker.io`), the repository path, and a tag or digest.

import { formatReference, parseReference } from '../store/reference.ts';

/** A reference ready for registry requests. */
export interface RegistryReference {
  /** The registry as named in references and configs, e.g. `docker.io`. */
  registry: string;
  /** The repository path, e.g. `library/busybox`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** The full normalised form, e.g. `docker.io/library/busybox:latest`. */
  full: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses `busybox`, `127.0.0.1:5000/x/y:tag` or `name@sha256:...`; throws on invalid input. */
export function parseRegistryReference(ref: string): RegistryReference {
  const parsed = parseReference(ref);
  const slash = parsed.name.indexOf('/');
  const registry = parsed.name.slice(0, slash);
  const repository = parsed.name.slice(slash + 1);

  const invalid = (why: string) =>
    new Error(`invalid reference format "${ref}": ${why}`);
  if (!repository.split('/').every((part) => PATH_COMPONENT.test(part))) {
    throw invalid('repository name must be lowercase');
  }
  if (parsed.digest !== undefined && !DIGEST.test(parsed.digest)) {
    throw invalid(`unsupported digest "${parsed.digest}"`);
  }
  // A digest wins over a tag, as BuildKit resolves `name:tag@digest`.
  const tag = parsed.digest ? undefined : parsed.tag;
  if (tag !== undefined && !TAG.test(tag)) throw invalid(`bad tag "${tag}"`);
  return {
    registry,
    repository,
    tag,
    digest: parsed.digest,
    full: formatReference(parsed),
  };
}

/** Returns the reference's tag or digest, whichever names the manifest. */
export function manifestReference(ref: RegistryReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}

/**
 * Returns the host that serves the API for a registry name (`docker.io` →
 * `registry-1.docker.io`).
 */
export function apiHost(registry: string): string {
  return registry === 'docker.io' ? 'registry-1.docker.io' : registry;
}

/** Reports whether a host (with optional port) is this machine. */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[')
    ? host.slice(1, host.indexOf(']'))
    : host.replace(/:\d+$/, '');
  return (
    name === 'localhost' ||
    name === '::1' ||
    /^127(?:\.\d{1,3}){3}$/.test(name) ||
    name.endsWith('.localhost')
  );
}

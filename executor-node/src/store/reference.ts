// Image references as Docker reads them: a missing registry is docker.io, a
// one-part Docker Hub name gets `library/`, a missing tag is `latest`.

/** A reference split into its parts. */
export interface ImageReference {
  /** e.g. `docker.io/library/busybox`. */
  name: string;
  tag?: string;
  digest?: string;
}

/** Splits and normalises a reference such as `busybox:1.36`. */
export function parseReference(ref: string): ImageReference {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }

  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasDomain =
    parts.length > 1 &&
    (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : 'docker.io';
  let path = hasDomain ? parts.slice(1).join('/') : rest;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;

  if (!tag && !digest) tag = 'latest';
  return { name: `${domain}/${path}`, tag, digest };
}

/** Formats a reference in its full form, e.g. `docker.io/library/busybox:latest`. */
export function formatReference(ref: ImageReference): string {
  return (
    ref.name +
    (ref.tag ? `:${ref.tag}` : '') +
    (ref.digest ? `@${ref.digest}` : '')
  );
}

/** Normalises a reference to its full form. */
export function normalizeReference(ref: string): string {
  return formatReference(parseReference(ref));
}

// Image references as Docker reads them: `alpine:3.19` is
// `docker.io/library/alpine:3.19`; a bad name yields the reference
// library's error text.

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[(?:[a-fA-F0-9:]+)\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const REMOTE_NAME = `${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST =
  '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE_RE = new RegExp(
  `^((?:${DOMAIN}/)?${REMOTE_NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const NAME_RE = new RegExp(`^(?:(${DOMAIN})/)?(${REMOTE_NAME})$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** A parsed image reference. */
export interface ImageReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** Parses a reference the way Docker's ParseNormalizedNamed does; errors are its texts. */
export function parseImageReference(
  text: string,
): { ref: ImageReference; error?: undefined } | { error: string } {
  if (IDENTIFIER_RE.test(text)) {
    return {
      error: `invalid repository name (${text}), cannot specify 64-byte hexadecimal strings`,
    };
  }
  const [domain, remainder] = splitDockerDomain(text);
  const tagAt = remainder.indexOf(':');
  const remote = tagAt > -1 ? remainder.slice(0, tagAt) : remainder;
  if (remote.toLowerCase() !== remote) {
    return {
      error: `invalid reference format: repository name (${remote}) must be lowercase`,
    };
  }

  const full = `${domain}/${remainder}`;
  const match = REFERENCE_RE.exec(full);
  if (!match) {
    if (REFERENCE_RE.test(full.toLowerCase())) {
      return { error: 'repository name must be lowercase' };
    }
    return { error: 'invalid reference format' };
  }
  const name = NAME_RE.exec(match[1])!;
  if (name[2].length > 255) {
    return { error: 'repository name must not be more than 255 characters' };
  }
  const ref: ImageReference = { domain: name[1] ?? '', path: name[2] };
  if (match[2] !== undefined) ref.tag = match[2];
  if (match[3] !== undefined) ref.digest = match[3];
  return { ref };
}

/** Formats a reference in full, adding `:latest` when it has neither tag nor digest. */
export function formatTagged(ref: ImageReference): string {
  let out = `${ref.domain}/${ref.path}`;
  if (ref.tag !== undefined) out += `:${ref.tag}`;
  else if (ref.digest === undefined) out += ':latest';
  if (ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** Returns the fully qualified form of an image name, or undefined when it is invalid. */
export function normalizeImageName(text: string): string | undefined {
  const parsed = parseImageReference(text);
  return parsed.error === undefined ? formatTagged(parsed.ref) : undefined;
}

function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return ['docker.io', `library/${name}`];
  const maybeDomain = name.slice(0, slash);
  const maybeRemote = name.slice(slash + 1);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else if (maybeDomain === 'index.docker.io') {
    [domain, remote] = ['docker.io', maybeRemote];
  } else if (
    /[.:]/.test(maybeDomain) ||
    maybeDomain.toLowerCase() !== maybeDomain
  ) {
    [domain, remote] = [maybeDomain, maybeRemote];
  } else {
    [domain, remote] = ['docker.io', name];
  }
  if (domain === 'docker.io' && !remote.includes('/'))
    remote = `library/${remote}`;
  return [domain, remote];
}

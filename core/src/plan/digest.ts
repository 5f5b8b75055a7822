// Content digests as `ADD --checksum=<algorithm>:<hex>` takes them, checked
// with the rules (and errors) of the OCI digest library BuildKit uses.

const SIZES: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** Returns why `value` is not a usable digest, or undefined when it is. */
export function checkDigest(value: string): string | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon + 1 === value.length) {
    return 'invalid checksum digest format';
  }
  const algorithm = value.slice(0, colon);
  const encoded = value.slice(colon + 1);
  const size = SIZES[algorithm];
  if (size === undefined) {
    return DIGEST.test(value)
      ? 'unsupported digest algorithm'
      : 'invalid checksum digest format';
  }
  if (encoded.length !== size * 2) return 'invalid checksum digest length';
  return /^[a-f0-9]+$/.test(encoded)
    ? undefined
    : 'invalid checksum digest format';
}

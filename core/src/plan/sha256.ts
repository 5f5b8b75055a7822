// SHA-256 digests of strings for content addresses, from @noble/hashes (a
// well-kept, dependency-free implementation that runs in browsers and Node).

import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/** Returns the lower-case hex SHA-256 digest of `text` encoded as UTF-8. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** Returns `sha256:<hex>` for `text` encoded as UTF-8. */
export function sha256Digest(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

// The hardware a case may require (`requires` in case.json), checked on this
// host before a case is built for real.

import { existsSync } from 'node:fs';

/** Says why a `requires` entry is not met on this host, or `undefined` when it is. */
export function unmetRequirement(name: string): string | undefined {
  if (name === 'nvidia-gpu') {
    return existsSync('/dev/nvidiactl')
      ? undefined
      : 'needs an NVIDIA GPU (/dev/nvidiactl is absent)';
  }
  return `unknown requirement "${name}"`;
}

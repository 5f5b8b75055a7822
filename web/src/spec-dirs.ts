// The CDI spec directories the playground pretends to have, in the order
// BuildKit reads them: a spec in a later directory wins.

/** The spec directories, lowest priority first. */
export const SPEC_DIRS = ['/etc/cdi', '/var/run/cdi', '/etc/buildkit/cdi'];

/** Returns a spec path's directory priority (its index in `SPEC_DIRS`). */
export function getSpecPriority(path: string): number {
  const slash = path.lastIndexOf('/');
  const index = SPEC_DIRS.indexOf(path.slice(0, slash));
  return index === -1 ? 0 : index;
}

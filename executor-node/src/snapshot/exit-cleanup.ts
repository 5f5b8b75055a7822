// Synchronous clean-up when the process exits (normally, by process.exit, or
// after a handled signal): unmounts and work folders must not outlive a build.

const cleanups = new Map<object, () => void>();
let installed = false;

/** Runs `cleanup` at process exit unless `owner` is dropped first. */
export function onExit(owner: object, cleanup: () => void): void {
  cleanups.set(owner, cleanup);
  if (installed) return;
  installed = true;
  // First, so that callers' own exit handlers find no mounts in their way.
  process.prependListener('exit', runExitCleanups);
}

/** Forgets the exit clean-up of `owner`. */
export function dropExitCleanup(owner: object): void {
  cleanups.delete(owner);
}

/** Runs every registered clean-up now, once. */
export function runExitCleanups(): void {
  for (const [owner, cleanup] of [...cleanups]) {
    cleanups.delete(owner);
    try {
      cleanup();
    } catch {
      // Exit must go on; the next start removes what is left.
    }
  }
}

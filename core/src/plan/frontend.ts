// Which Dockerfile frontend a build runs, as far as RUN --device cares: the
// `# syntax=` image (or BUILDKIT_SYNTAX), else the builder's built-in one.

/**
 * How a frontend treats `RUN --device`: `labs` channels from 1.14 resolve
 * devices; mainline frontends from 1.14 (and the built-in one) parse the
 * flag but refuse it when the step is dispatched; frontends before 1.14 do
 * not know the flag at all.
 */
export type DeviceSupport = 'labs' | 'mainline' | 'unknown-flag';

/** The first version whose frontends know `RUN --device`. */
const DEVICE_SINCE = [1, 14];

/** Returns the frontend reference a build uses: BUILDKIT_SYNTAX wins over the directive. */
export function frontendSyntax(
  directive: string | undefined,
  buildArgs: Record<string, string>,
): string | undefined {
  if (Object.hasOwn(buildArgs, 'BUILDKIT_SYNTAX')) {
    return buildArgs.BUILDKIT_SYNTAX || undefined;
  }
  return directive;
}

/** Tells how the frontend named by a `# syntax=` value treats RUN --device. */
export function deviceSupport(syntax: string | undefined): DeviceSupport {
  // No syntax: the builder's own frontend, a current mainline release.
  if (!syntax) return 'mainline';
  const tag = syntaxTag(syntax);
  const version = /^(\d+)(?:\.(\d+))?/.exec(tag);
  if (version) {
    const major = Number(version[1]);
    const minor = version[2] === undefined ? undefined : Number(version[2]);
    // `1` follows the newest 1.x release; `1.13` and older are older frontends.
    const old =
      major < DEVICE_SINCE[0] ||
      (major === DEVICE_SINCE[0] &&
        minor !== undefined &&
        minor < DEVICE_SINCE[1]);
    if (old) return 'unknown-flag';
  }
  return tag.includes('labs') ? 'labs' : 'mainline';
}

/** Tells whether a `# syntax=` value names a labs Dockerfile frontend (needed for RUN --device). */
export function isLabsSyntax(syntax: string | undefined): boolean {
  return !!syntax && syntaxTag(syntax).includes('labs');
}

// The tag of the frontend image: the first word of the value, digest dropped.
function syntaxTag(syntax: string): string {
  const image = syntax.trim().split(/\s+/)[0].split('@')[0];
  const colon = image.lastIndexOf(':');
  if (colon < 0 || image.indexOf('/', colon) >= 0) return 'latest';
  return image.slice(colon + 1);
}

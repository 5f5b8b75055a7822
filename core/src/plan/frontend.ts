// Which Dockerfile frontend a build runs, as far as RUN --device and
// --security care: the
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

/** The first mainline version whose frontends know `RUN --security`. */
const SECURITY_SINCE = [1, 20];

/**
 * Tells whether the frontend named by a `# syntax=` value knows
 * `RUN --security`: labs channels always, mainline from 1.20 (and the
 * built-in frontend); older mainline frontends fail on the flag.
 */
export function knowsSecurityFlag(syntax: string | undefined): boolean {
  if (!syntax) return true;
  const tag = syntaxTag(syntax);
  if (tag.includes('labs')) return true;
  const version = /^(\d+)(?:\.(\d+))?/.exec(tag);
  if (!version) return true;
  const major = Number(version[1]);
  if (major !== SECURITY_SINCE[0]) return major > SECURITY_SINCE[0];
  return version[2] === undefined || Number(version[2]) >= SECURITY_SINCE[1];
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

// Platform strings as containerd reads them (`os[(osversion)]/arch[/variant]`):
// parse, normalise and format, so `linux/arm` and `linux/arm/v7` are one.

/** A target or build platform, normalised. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
  osVersion?: string;
}

/** The result of reading a platform string: a platform or BuildKit's error text. */
export type PlatformResult =
  { ok: true; platform: Platform } | { ok: false; error: string };

const SPECIFIER_RE = /^[A-Za-z0-9_.-]+$/;
const OS_RE =
  /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.%-]*)((?:\+[A-Za-z0-9_.%-]+)*)\))?$/;

const KNOWN_OS = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'windows',
  'zos',
]);

const KNOWN_ARCH = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'ppc64',
  'ppc64le',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

/** The default host when a one-word specifier needs the other half. */
export const DEFAULT_PLATFORM: Platform = {
  os: 'linux',
  architecture: 'amd64',
};

/**
 * Parses and normalises a platform specifier; a lone OS or architecture takes
 * the other half from `host`.
 */
export function parsePlatform(
  specifier: string,
  host: Platform = DEFAULT_PLATFORM,
): PlatformResult {
  const invalid = (why: string): PlatformResult => ({
    ok: false,
    error: `${why}: invalid argument`,
  });
  if (specifier.includes('*')) {
    return invalid(`"${specifier}": wildcards not yet supported`);
  }

  const parts = splitN(specifier, '/', 4);
  const osMatch = OS_RE.exec(parts[0]);
  if (!osMatch) {
    return invalid(
      `"${parts[0]}" is an invalid OS component of "${specifier}": OSAndVersion specifier component must match "${OS_RE.source}"`,
    );
  }
  for (const part of parts.slice(1)) {
    if (!SPECIFIER_RE.test(part)) {
      return invalid(
        `"${part}" is an invalid component of "${specifier}": platform specifier component must match "${SPECIFIER_RE.source}"`,
      );
    }
  }

  const os = normalizeOs(osMatch[1]);
  const osVersion = decodeOsOption(osMatch[2] ?? '');
  switch (parts.length) {
    case 1: {
      if (KNOWN_OS.has(os)) {
        return done({ ...host, os, osVersion });
      }
      const [architecture, variant] = normalizeArch(parts[0], '');
      if (KNOWN_ARCH.has(architecture)) {
        return done({ os: host.os, architecture, variant });
      }
      return invalid(
        `"${specifier}": unknown operating system or architecture`,
      );
    }
    case 2: {
      const [architecture, variant] = normalizeArch(parts[1], '');
      return done({ os, osVersion, architecture, variant });
    }
    case 3: {
      const [architecture, variant] = normalizeArch(parts[1], parts[2]);
      return done({ os, osVersion, architecture, variant });
    }
    default:
      return invalid(`"${specifier}": cannot parse platform specifier`);
  }
}

/** Applies containerd's normalisation: `aarch64` is `arm64`, `arm` is `arm/v7`. */
export function normalizePlatform(platform: Platform): Platform {
  const [architecture, variant] = normalizeArch(
    platform.architecture,
    platform.variant ?? '',
  );
  const out: Platform = { os: normalizeOs(platform.os), architecture };
  if (variant) out.variant = variant;
  if (platform.osVersion) out.osVersion = platform.osVersion;
  return out;
}

/** Formats a platform as `os/arch[/variant]`, without the OS version. */
export function formatPlatform(platform: Platform): string {
  if (!platform.os) return 'unknown';
  return [platform.os, platform.architecture, platform.variant]
    .filter((part) => part)
    .join('/');
}

/** Formats a platform with its OS version, as `os(version)/arch[/variant]`. */
export function formatPlatformAll(platform: Platform): string {
  if (!platform.os) return 'unknown';
  const os = platform.osVersion
    ? `${platform.os}(${encodeOsOption(platform.osVersion)})`
    : platform.os;
  return [os, platform.architecture, platform.variant]
    .filter((part) => part)
    .join('/');
}

/** Returns the folder name the local exporter uses: `linux_arm_v7`. */
export function platformId(platform: Platform): string {
  return formatPlatform(platform).replaceAll('/', '_');
}

/** Tells whether two platforms are the same after normalisation. */
export function isSamePlatform(a: Platform, b: Platform): boolean {
  return (
    formatPlatformAll(normalizePlatform(a)) ===
    formatPlatformAll(normalizePlatform(b))
  );
}

function done(platform: Platform): PlatformResult {
  return { ok: true, platform: normalizePlatform(platform) };
}

function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === 'macos' ? 'darwin' : lower;
}

function normalizeArch(arch: string, variant: string): [string, string] {
  arch = arch.toLowerCase();
  variant = variant.toLowerCase();
  switch (arch) {
    case 'i386':
      return ['386', ''];
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      return ['amd64', variant === 'v1' ? '' : variant];
    case 'aarch64':
    case 'arm64':
      if (['8', 'v8', 'v8.0'].includes(variant)) return ['arm64', ''];
      if (['9', '9.0', 'v9.0'].includes(variant)) return ['arm64', 'v9'];
      return ['arm64', variant];
    case 'armhf':
      return ['arm', 'v7'];
    case 'armel':
      return ['arm', 'v6'];
    case 'arm':
      if (variant === '' || variant === '7') return ['arm', 'v7'];
      if (['5', '6', '8'].includes(variant)) return ['arm', `v${variant}`];
      return ['arm', variant];
    default:
      return [arch, variant];
  }
}

function splitN(text: string, sep: string, n: number): string[] {
  const parts = text.split(sep);
  if (parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function decodeOsOption(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function encodeOsOption(value: string): string {
  return value
    .replaceAll('%', '%25')
    .replaceAll('+', '%2B')
    .replaceAll('(', '%28')
    .replaceAll(')', '%29')
    .replaceAll('/', '%2F');
}

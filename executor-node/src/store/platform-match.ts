// Matches an image index entry's platform against a normalised platform
// string: `arm64` and `arm64/v8` are one, as are `arm` and `arm/v7`.

/** The `platform` object of an OCI index entry or image config. */
export interface OciPlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Splits `linux/arm/v7` into its parts. */
export function splitPlatform(platform: string): OciPlatform {
  const [os = '', architecture = '', variant] = platform.split('/');
  return { os, architecture, variant };
}

/** Reports whether an image platform serves the wanted platform string. */
export function matchesPlatform(image: OciPlatform, wanted: string): boolean {
  const want = splitPlatform(wanted);
  return (
    image.os === want.os &&
    image.architecture === want.architecture &&
    normalVariant(image.architecture, image.variant) ===
      normalVariant(want.architecture, want.variant)
  );
}

function normalVariant(architecture: string, variant?: string): string {
  if (architecture === 'arm64' && (!variant || variant === 'v8')) return '';
  if (architecture === 'arm' && !variant) return 'v7';
  if (architecture === 'amd64' && variant === 'v1') return '';
  return variant ?? '';
}

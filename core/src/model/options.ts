// Build options as `docker buildx build` takes them, and their resolved form.

import type { CdiSpecFile, DeviceEntitlement } from './cdi.ts';
import type { ImageConfig } from './plan.ts';

/** Options as given on a command line or in the playground. */
export interface BuildOptions {
  /** File name shown in diagnostics; default `Dockerfile`. */
  file?: string;
  /** `--platform` values (each may hold a comma list); default: the build platform. */
  platforms?: string[];
  /** The platform of the machine that builds; default `linux/amd64`. */
  buildPlatform?: string;
  /** Platforms the builder can run, native or emulated; default: the build platform only. */
  builderPlatforms?: string[];
  target?: string;
  /** `--build-arg NAME=VALUE` values, already split. */
  buildArgs?: Record<string, string>;
  /** `--allow` values: `device`, `device=NAME`, `network.host`, `security.insecure`. */
  allow?: string[];
  /** CDI spec files, read by the caller from the ordered spec directories. */
  cdiSpecs?: CdiSpecFile[];
  /** `-o/--output` values as written. */
  outputs?: string[];
  /** Also compute the legacy builder's view. */
  legacy?: boolean;
  /**
   * Base image configs the caller resolved, keyed by `baseImageKey` (the
   * normalised reference, `@`, the platform); a stage FROM a listed image
   * starts from its config, as BuildKit does.
   */
  baseImages?: Record<string, ImageConfig>;
  /**
   * The text of the `.dockerignore` that applies to the build context, when
   * the caller read one; the CopyIgnoredFile check needs it.
   */
  dockerignore?: string;
}

/** One `--output` after parsing `type=...,dest=...` or a bare path. */
export interface OutputSpec {
  type: 'local' | 'tar' | 'oci' | 'docker' | 'image' | 'registry' | 'cacheonly';
  dest?: string;
  /** Every other key=value (`platform-split`, `name`, `push`...). */
  attrs: Record<string, string>;
}

/** Options after defaults, normalisation and validation. */
export interface ResolvedBuildOptions {
  file: string;
  /** Normalised target platforms, e.g. `linux/arm/v7`, in the order given. */
  platforms: string[];
  buildPlatform: string;
  builderPlatforms: string[];
  /**
   * No `--platform` was given: a stage FROM an image for another platform
   * that the builder can run is built for the image's platform.
   */
  implicitTarget?: boolean;
  target?: string;
  buildArgs: Record<string, string>;
  device: DeviceEntitlement;
  networkHost: boolean;
  securityInsecure: boolean;
  outputs: OutputSpec[];
  legacy: boolean;
}

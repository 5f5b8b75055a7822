// Builds the registry client and the image source of a host build from the
// registry flags, the Docker credentials file and the Slipway home.

import path from 'node:path';

import type { Logger } from '../logger.ts';
import type { SlipwayPaths } from '../paths.ts';
import { OciImageStore } from '../store/image-store.ts';
import { ContentStore } from './content-store.ts';
import { dockerConfigPath, readDockerCredentials } from './docker-credentials.ts';
import type { PullLog } from './pull-image.ts';
import { RegistryClient } from './registry-client.ts';
import { resolveRegistryConfig, type RegistryFlags } from './registry-config.ts';
import { RegistryImageSource } from './registry-image-source.ts';

/** Registry settings of one build. */
export interface RegistrySettings {
  flags?: RegistryFlags;
  /** The Docker client config with `auths`; default `~/.docker/config.json`. */
  dockerConfig?: string;
  logger?: Logger;
}

/** Returns the content store of a Slipway home. */
export function contentStore(paths: SlipwayPaths): ContentStore {
  return new ContentStore(path.join(paths.home, 'content'));
}

/** Creates a registry client from flags, config file and credentials. */
export function createRegistryClient(settings: RegistrySettings = {}): RegistryClient {
  return new RegistryClient({
    config: resolveRegistryConfig(settings.flags),
    credentials: readDockerCredentials(settings.dockerConfig ?? dockerConfigPath()),
    logger: settings.logger,
  });
}

/** Creates the image source of a build: built-in store, then registries. */
export function createImageSource(
  paths: SlipwayPaths,
  settings: RegistrySettings & { log?: PullLog } = {},
): RegistryImageSource {
  const content = contentStore(paths);
  content.removeAbandoned();
  return new RegistryImageSource({
    builtin: new OciImageStore(paths.images),
    client: createRegistryClient(settings),
    content,
    log: settings.log,
  });
}

// Builds the registry client, the image source and the image exporter of a
// host build from the registry flags, Docker credentials and the Slipway home.

import path from 'node:path';

import type { Exporter } from '../../../core/src/index.ts';
import type { Logger } from '../logger.ts';
import type { SlipwayPaths } from '../paths.ts';
import { OciImageStore } from '../store/image-store.ts';
import { ContentStore } from './content-store.ts';
import {
  dockerConfigPath,
  readDockerCredentials,
} from './docker-credentials.ts';
import type { HostExporter } from '../export/host-exporter.ts';
import { ImageExporter } from './push-exporter.ts';
import type { PullLog } from './pull-image.ts';
import { RegistryClient } from './registry-client.ts';
import {
  resolveRegistryConfig,
  type RegistryFlags,
} from './registry-config.ts';
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
export function createRegistryClient(
  settings: RegistrySettings = {},
): RegistryClient {
  return new RegistryClient({
    config: resolveRegistryConfig(settings.flags),
    credentials: readDockerCredentials(
      settings.dockerConfig ?? dockerConfigPath(),
    ),
    logger: settings.logger,
  });
}

/** The registry side of a build's backends. */
export interface RegistryBackends {
  /** The built-in store, then registries. */
  images: RegistryImageSource;
  client: RegistryClient;
  /** Pulled and pushed blobs. */
  content: ContentStore;
  /** Wraps the host exporter so `type=image` (with push) is handled here. */
  exporter(next: HostExporter): Exporter;
}

/** Creates the image source and image exporter of a build over one client. */
export function createRegistryBackends(
  paths: SlipwayPaths,
  settings: RegistrySettings & { log?: PullLog } = {},
): RegistryBackends {
  const content = contentStore(paths);
  content.removeAbandoned();
  const client = createRegistryClient(settings);
  return {
    client,
    content,
    images: new RegistryImageSource({
      builtin: new OciImageStore(paths.images),
      client,
      content,
      log: settings.log,
    }),
    exporter: (next) =>
      new ImageExporter(next, { content, client, log: settings.log }),
  };
}

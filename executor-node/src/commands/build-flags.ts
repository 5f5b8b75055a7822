// The `docker buildx build` flags that `plan`, `build` and the case runner
// share, and their translation into core's BuildOptions.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Command, Option } from 'commander';

import type { BuildOptions } from '../../../core/src/index.ts';
import type { RegistryFlags } from '../registry/registry-config.ts';

/** The spec directories BuildKit reads when none are configured, lowest priority first. */
export const DEFAULT_CDI_SPEC_DIRS = [
  '/etc/cdi',
  '/var/run/cdi',
  '/etc/buildkit/cdi',
];

/** Flag values as commander collects them. */
export interface BuildFlagValues {
  file?: string;
  platform?: string[];
  target?: string;
  buildArg?: string[];
  allow?: string[];
  output?: string[];
  progress?: string;
  /** False after `--no-cache`. */
  cache: boolean;
  cdiSpecDir?: string[];
  /** `REGISTRY=MIRROR` items. */
  registryMirror?: string[];
  /** A buildkitd.toml-shaped file with `[registry."host"]` tables. */
  registryConfig?: string;
  /** Hosts that may be reached over plain HTTP. */
  insecureRegistry?: string[];
  /** `--cache-to` values. */
  cacheTo?: string[];
  /** `--cache-from` values. */
  cacheFrom?: string[];
  /** `--secret` values (`id=NAME[,src=FILE|,env=VAR]`). */
  secret?: string[];
  /** `--ssh` values (`default|ID[=SOCKET|KEY[,KEY]]`). */
  ssh?: string[];
  /** `-t/--tag` image names. */
  tag?: string[];
  /** `--push`: a shorthand for `--output=type=registry`. */
  push?: boolean;
  /** `--load`: a shorthand for `--output=type=docker`. */
  load?: boolean;
}

/** The text for `--load`: this host has no Docker engine to load into. */
export const NO_DOCKER_DAEMON =
  '--load needs a Docker daemon to load the image into and there is none here; write a loadable tarball with -o type=docker,dest=FILE instead';

/** Flags turned into the inputs of a plan. */
export interface BuildInvocation {
  /** Absolute build context directory. */
  contextDir: string;
  /** Absolute path of the Dockerfile. */
  dockerfilePath: string;
  options: BuildOptions;
  noCache: boolean;
  /** `auto` is `tty` on a terminal and `plain` elsewhere. */
  progress: 'plain' | 'rawjson' | 'quiet' | 'tty' | 'auto';
  /** Mirrors, plain-HTTP hosts and the registry config file. */
  registry: RegistryFlags;
  cacheTo: string[];
  cacheFrom: string[];
  /** `--secret` values, read when the build starts. */
  secrets: string[];
  /** `--ssh` values, read when the build starts. */
  ssh: string[];
}

/** Adds buildx's build flags and the PATH argument to `command`. */
export function addBuildFlags(command: Command): Command {
  return command
    .argument('<PATH>', 'build context directory')
    .option(
      '-f, --file <file>',
      'name of the Dockerfile (default: PATH/Dockerfile)',
    )
    .option(
      '--platform <platforms>',
      'set target platform for build (repeatable, comma lists allowed)',
      collectList,
    )
    .option('--target <stage>', 'set the target build stage to build')
    .option('--build-arg <arg>', 'set build-time variables', collect)
    .option(
      '--allow <entitlement>',
      'allow extra privileged entitlement (device, device=NAME)',
      collect,
    )
    .option(
      '-o, --output <output>',
      'output destination (format: "type=local,dest=path")',
      collect,
    )
    .option(
      '-t, --tag <name>',
      'name and optionally a tag (format: "name:tag"), repeatable',
      collect,
    )
    .option('--push', 'shorthand for "--output=type=registry"')
    .option('--load', 'shorthand for "--output=type=docker"')
    .addOption(
      new Option('--progress <type>', 'set type of progress output').choices([
        'plain',
        'rawjson',
        'auto',
        'tty',
        'quiet',
      ]),
    )
    .option('--no-cache', 'do not use cache when building the image')
    .option(
      '--cache-to <spec>',
      'cache export destination (e.g. "type=local,dest=path[,mode=max]")',
      collect,
    )
    .option(
      '--cache-from <spec>',
      'external cache sources (e.g. "type=local,src=path")',
      collect,
    )
    .option(
      '--secret <spec>',
      'secret to expose to the build (format: "id=mysecret[,src=/local/secret]" or "id=mysecret,env=VAR")',
      collect,
    )
    .option(
      '--ssh <spec>',
      'SSH agent socket or keys to expose to the build (format: "default|<id>[=<socket>|<key>[,<key>]]")',
      collect,
    )
    .option(
      '--cdi-spec-dir <dir>',
      `CDI spec directory, repeatable, later wins (default: ${DEFAULT_CDI_SPEC_DIRS.join(', ')})`,
      collect,
    )
    .option(
      '--registry-mirror <registry=url>',
      'pull REGISTRY through a mirror first, e.g. docker.io=http://127.0.0.1:5000 (repeatable)',
      collect,
    )
    .option(
      '--registry-config <file>',
      'registry settings in buildkitd.toml form (default: /etc/buildkit/buildkitd.toml if present)',
    )
    .option(
      '--insecure-registry <host>',
      'allow plain HTTP to a registry host (repeatable)',
      collect,
    );
}

/** Turns collected flag values into build options, resolving paths against `cwd`. */
export function toBuildInvocation(
  contextArg: string,
  flags: BuildFlagValues,
  cwd: string,
  env: Record<string, string | undefined>,
): BuildInvocation {
  if (contextArg === '-' && flags.file === '-') {
    throw new Error(
      "invalid argument: can't use stdin for both build context and dockerfile",
    );
  }
  // `-` reads a Dockerfile from stdin; as context it also means no files.
  const stdin =
    contextArg === '-' || flags.file === '-' ? stdinDockerfile() : undefined;
  const contextDir =
    contextArg === '-' && stdin
      ? stdin.emptyContext
      : path.resolve(cwd, contextArg);
  const dockerfilePath = stdin
    ? stdin.file
    : flags.file
      ? path.resolve(cwd, flags.file)
      : path.join(contextDir, 'Dockerfile');

  const options: BuildOptions = {
    file: path.basename(dockerfilePath),
    platforms: flags.platform ?? [],
    buildArgs: parseBuildArgs(flags.buildArg ?? [], env),
    allow: flags.allow ?? [],
    outputs: outputsFromFlags(flags),
  };
  if (flags.target !== undefined) options.target = flags.target;

  return {
    contextDir,
    dockerfilePath,
    options,
    noCache: !flags.cache,
    cacheTo: flags.cacheTo ?? [],
    cacheFrom: flags.cacheFrom ?? [],
    secrets: flags.secret ?? [],
    ssh: flags.ssh ?? [],
    registry: {
      configFile:
        flags.registryConfig && path.resolve(cwd, flags.registryConfig),
      mirrors: flags.registryMirror ?? [],
      insecure: flags.insecureRegistry ?? [],
    },
    progress:
      flags.progress === 'rawjson' ||
      flags.progress === 'quiet' ||
      flags.progress === 'plain' ||
      flags.progress === 'tty'
        ? flags.progress
        : 'auto',
  };
}

/**
 * Returns the `--output` values with `--push`, `--load` and `-t` applied as
 * buildx applies them: the tags name every image output.
 */
export function outputsFromFlags(flags: BuildFlagValues): string[] {
  const outputs = [...(flags.output ?? [])];
  const firstType = () => typeOf(outputs[0] ?? '');
  if (flags.push) {
    if (flags.load) {
      throw new Error('push and load may not be set together at the moment');
    }
    if (outputs.length === 0) outputs.push('type=registry');
    else if (firstType() === 'image') outputs[0] += ',push=true';
    else if (firstType() !== 'registry') {
      throw new Error(
        `push and "${firstType()}" output can't be used together`,
      );
    }
  }
  if (flags.load) {
    if (outputs.length > 0 && firstType() !== 'docker') {
      throw new Error(
        `load and "${firstType()}" output can't be used together`,
      );
    }
    if (outputs.length === 0) throw new Error(NO_DOCKER_DAEMON);
  }
  const tags = [...new Set(flags.tag ?? [])];
  if (tags.length === 0) return outputs;
  const name = `"name=${tags.join(',').replaceAll('"', '""')}"`;
  return outputs.map((output) =>
    ['image', 'registry', 'oci', 'docker'].includes(typeOf(output))
      ? `${output},${name}`
      : output,
  );
}

// The exporter type of an `--output` value; a bare path is the local one.
function typeOf(output: string): string {
  const field = output
    .split(',')
    .map((item) => item.trim().replace(/^"/, ''))
    .find((item) => item.toLowerCase().startsWith('type='));
  if (field) return field.slice('type='.length);
  return output === '-' ? 'tar' : 'local';
}

let stdinRead: { file: string; emptyContext: string } | undefined;

// Stdin is read once per process: a build plans twice from the same flags.
function stdinDockerfile(): { file: string; emptyContext: string } {
  if (stdinRead) return stdinRead;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-stdin-'));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'Dockerfile');
  fs.writeFileSync(file, fs.readFileSync(0));
  const emptyContext = path.join(dir, 'context');
  fs.mkdirSync(emptyContext);
  stdinRead = { file, emptyContext };
  return stdinRead;
}

/** Splits `--build-arg` values; a bare `NAME` takes its value from `env`, as docker does. */
export function parseBuildArgs(
  values: string[],
  env: Record<string, string | undefined>,
): Record<string, string> {
  const args: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq >= 0) {
      args[value.slice(0, eq)] = value.slice(eq + 1);
      continue;
    }
    // An unset variable is left out, so the Dockerfile's default applies.
    const fromEnv = env[value];
    if (fromEnv !== undefined) args[value] = fromEnv;
  }
  return args;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function collectList(value: string, previous: string[] = []): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...previous, ...items];
}

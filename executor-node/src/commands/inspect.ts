// `slipway inspect`: the builder as `docker buildx inspect` shows one: its
// name, driver, the platforms it can run and a Devices block from the CDI
// registry.

import type { RegisteredDevice } from '../../../core/src/index.ts';
import { detectWorkerPlatforms } from '../inspect/worker-platforms.ts';
import { OciRuntime } from '../runtime/oci-runtime.ts';
import type { CommandIO } from './command-io.ts';
import { loadCdiRegistry, printRegistryWarnings } from './load-cdi-registry.ts';
import { formatTabbed } from './tabwriter.ts';

/** Flags of `slipway inspect`. */
export interface InspectFlagValues {
  cdiSpecDir?: string[];
  json?: boolean;
}

/** What `inspect` reports about the builder and its one node. */
export interface BuilderInfo {
  name: string;
  driver: string;
  node: {
    name: string;
    endpoint: string;
    /** Set when the node cannot run builds (no OCI runtime). */
    error?: string;
    status?: string;
    platforms: string[];
    devices: RegisteredDevice[];
  };
}

/** Prints the builder; returns the exit status. */
export async function runInspectCommand(
  flags: InspectFlagValues,
  io: CommandIO,
): Promise<number> {
  const { registry } = await loadCdiRegistry(flags.cdiSpecDir);
  printRegistryWarnings(registry.diagnostics, io);
  const info: BuilderInfo = {
    name: 'slipway',
    driver: 'oci-runtime',
    node: {
      name: 'slipway0',
      endpoint: 'local',
      platforms: await detectWorkerPlatforms(),
      devices: registry.devices,
    },
  };
  try {
    const runtime = OciRuntime.detect();
    info.node.endpoint = `${runtime.choice.name} ${runtime.choice.path}`;
    info.node.status = 'running';
  } catch (error) {
    info.node.error = (error as Error).message;
  }
  if (flags.json) io.stdout.write(JSON.stringify(info, null, 2) + '\n');
  else io.stdout.write(formatBuilderInfo(info));
  return 0;
}

/** Formats the builder with buildx's field names and tab alignment. */
export function formatBuilderInfo(info: BuilderInfo): string {
  const n = info.node;
  const lines = [`Name:\t${info.name}`, `Driver:\t${info.driver}`, ''];
  lines.push('Nodes:', `Name:\t${n.name}`, `Endpoint:\t${n.endpoint}`);
  if (n.error !== undefined) lines.push(`Error:\t${n.error}`);
  else lines.push(`Status:\t${n.status ?? 'running'}`);
  if (n.platforms.length > 0)
    lines.push(`Platforms:\t${n.platforms.join(', ')}`);
  if (n.devices.length > 0) lines.push('Devices:');
  for (const d of n.devices) lines.push(...deviceLines(d));
  return formatTabbed(lines.join('\n') + '\n');
}

function deviceLines(d: RegisteredDevice): string[] {
  const out = [`\tName:\t${d.qualifiedName}`];
  if (d.onDemand) out.push(`\tOn-Demand:\ttrue`);
  else out.push(`\tAutomatically allowed:\t${d.autoAllow}`);
  const keys = Object.keys(d.annotations).sort();
  if (keys.length > 0) out.push('\tAnnotations:');
  for (const key of keys) out.push(`\t\t${key}:\t${d.annotations[key]}`);
  return out;
}

// `slipway cdi list`: the devices the registry holds, with the spec file that
// defines each and whether builds may use it without `--allow device`.

import type { RegisteredDevice } from '../../../core/src/index.ts';
import type { CommandIO } from './command-io.ts';
import { loadCdiRegistry, printRegistryWarnings } from './load-cdi-registry.ts';
import { formatTabbed } from './tabwriter.ts';

/** Flags of `slipway cdi list`. */
export interface CdiListFlagValues {
  cdiSpecDir?: string[];
  json?: boolean;
}

/** Lists the registered devices; returns the exit status. */
export async function runCdiListCommand(
  flags: CdiListFlagValues,
  io: CommandIO,
): Promise<number> {
  const { dirs, registry } = await loadCdiRegistry(flags.cdiSpecDir);
  printRegistryWarnings(registry.diagnostics, io);
  if (flags.json) {
    const out = { specDirs: dirs, devices: registry.devices };
    io.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  }
  io.stdout.write(formatDeviceTable(registry.devices));
  return 0;
}

/** Formats devices as a table: NAME, AUTO-ALLOWED, SPEC. */
export function formatDeviceTable(devices: RegisteredDevice[]): string {
  const rows = ['NAME\tAUTO-ALLOWED\tSPEC'];
  for (const d of devices) {
    const spec = d.onDemand ? '(installed on demand)' : d.specPath;
    rows.push(`${d.qualifiedName}\t${d.autoAllow}\t${spec}`);
  }
  return formatTabbed(rows.join('\n') + '\n', { padding: 3 });
}

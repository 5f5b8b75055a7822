// The registry of CDI devices built from spec files in priority order, as the
// reference's cache does: later directories win, a device defined twice at
// the same priority is dropped, and a bad file never hides the good ones.

import type {
  CdiRegistry,
  CdiSpec,
  CdiSpecFile,
  RegisteredDevice,
} from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { goQuote } from './go-format.ts';
import { parseQualifier, qualifiedName } from './names.ts';
import { lineFor, parseCdiSpecWithLines } from './parse-spec.ts';

/** BuildKit's annotation that lets a device be used without `--allow device`. */
export const AUTOALLOW_ANNOTATION = 'org.mobyproject.buildkit.device.autoallow';
/** BuildKit's annotation that a bare `RUN --device=<word>` is matched against. */
export const CLASS_ANNOTATION = 'org.mobyproject.buildkit.device.class';

/** Daemon-side settings (buildkitd.toml `[cdi]`) that shape the registry. */
export interface CdiRegistryOptions {
  /** `autoAllowed`: kinds or qualified names usable without `--allow device`. */
  autoAllowed?: string[];
  /**
   * Kinds the daemon can install on demand (BuildKit's `nvidia.com/gpu`
   * installer, when the host has an NVIDIA GPU). Listed only while no spec
   * defines a device of that kind.
   */
  onDemand?: string[];
}

/** Builds the device registry from spec files; diagnostics name every bad file. */
export function createCdiRegistry(
  files: CdiSpecFile[],
  options: CdiRegistryOptions = {},
): CdiRegistry {
  const diagnostics: Diagnostic[] = [];
  for (const f of files) {
    if (isSpecFileName(f.path) || !/\.(ya?ml|json)$/i.test(f.path)) continue;
    diagnostics.push({
      code: 'cdi-spec-ignored',
      severity: 'info',
      message: `${f.path} is not read: CDI only loads files ending in .json or .yaml`,
      location: {
        file: f.path,
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      },
    });
  }
  const ordered = files
    .filter((f) => isSpecFileName(f.path))
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        a.f.priority - b.f.priority || compare(a.f.path, b.f.path) || a.i - b.i,
    )
    .map((x) => x.f);

  const specs: CdiRegistry['specs'] = [];
  const rejected: NonNullable<CdiRegistry['rejected']> = [];
  const byName = new Map<string, Entry>();
  const conflicts = new Set<string>();

  for (const file of ordered) {
    const parsed = parseCdiSpecWithLines(file.text, file.path);
    if (!parsed.spec) {
      const reason = parsed.diagnostics.find((d) => d.severity === 'error');
      rejected.push({
        path: file.path,
        kind: declaredKind(file.text),
        devices: declaredDeviceNames(file.text),
        reason: reason?.message ?? 'invalid spec',
      });
      for (const d of parsed.diagnostics) {
        diagnostics.push({
          ...d,
          severity: 'warning',
          message: `failed to load CDI Spec ${d.message}`,
        });
      }
      continue;
    }
    const spec = parsed.spec;
    specs.push({ path: file.path, priority: file.priority, spec });
    const { vendor, class: cls } = parseQualifier(spec.kind);
    for (const [index, device] of spec.devices.entries()) {
      const name = qualifiedName(vendor, cls, device.name);
      const line = lineFor(parsed.lines, `devices.${index}.name`) ?? 1;
      const entry: Entry = { file, spec, deviceName: device.name, line };
      const old = byName.get(name);
      if (old && old.file.priority > file.priority) continue;
      if (old && old.file.priority === file.priority) {
        const message = `conflicting device ${goQuote(name)} (specs ${goQuote(file.path)}, ${goQuote(old.file.path)})`;
        diagnostics.push(conflictDiagnostic(message, file, line));
        diagnostics.push(conflictDiagnostic(message, old.file, old.line));
        conflicts.add(name);
        continue;
      }
      byName.set(name, entry);
    }
  }
  for (const name of conflicts) byName.delete(name);

  const autoAllowed = new Set(options.autoAllowed ?? []);
  const devices = [...byName.keys()]
    .sort(compare)
    .map((name) => registeredDevice(name, byName.get(name)!, autoAllowed));
  const kinds = new Set(devices.map((d) => d.kind));
  for (const kind of [...new Set(options.onDemand ?? [])].sort(compare)) {
    if (kinds.has(kind)) continue;
    devices.push({
      qualifiedName: kind,
      kind,
      name: '',
      specPath: '',
      autoAllow: true,
      annotations: {},
      onDemand: true,
    });
  }
  return { specs, devices, rejected, diagnostics };
}

/** Reads a boolean the way Go's strconv.ParseBool does; undefined when it is not one. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** Reports whether a file name is one the reference scans (`.json` or `.yaml`). */
export function isSpecFileName(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  const ext = dot < 0 ? '' : base.slice(dot);
  return ext === '.json' || ext === '.yaml';
}

interface Entry {
  file: CdiSpecFile;
  spec: CdiSpec;
  deviceName: string;
  line: number;
}

function registeredDevice(
  qualified: string,
  entry: Entry,
  autoAllowed: Set<string>,
): RegisteredDevice {
  const device = entry.spec.devices.find((d) => d.name === entry.deviceName)!;
  const annotations = {
    ...(entry.spec.annotations ?? {}),
    ...(device.annotations ?? {}),
  };
  const allowText = annotations[AUTOALLOW_ANNOTATION];
  const autoAllow =
    autoAllowed.has(qualified) ||
    autoAllowed.has(entry.spec.kind) ||
    (allowText !== undefined && parseGoBool(allowText) === true);
  return {
    qualifiedName: qualified,
    kind: entry.spec.kind,
    name: entry.deviceName,
    specPath: entry.file.path,
    autoAllow,
    annotations,
  };
}

function conflictDiagnostic(
  message: string,
  file: CdiSpecFile,
  line: number,
): Diagnostic {
  const width = (file.text.split('\n')[line - 1] ?? '').replace(
    /\r$/,
    '',
  ).length;
  return {
    code: 'cdi-device-conflict',
    severity: 'warning',
    message,
    location: {
      file: file.path,
      range: {
        start: { line, column: 1 },
        end: { line, column: Math.max(1, width + 1) },
      },
    },
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// Reads the `kind` a spec declares even when the spec as a whole is invalid,
// so a request can say which rejected file would have defined its device.
function declaredKind(text: string): string | undefined {
  const match = /^\s*"?kind"?\s*:\s*["']?([^"'\s,}]+)/m.exec(text);
  return match?.[1];
}

// Reads the device names a spec's text declares (`name:` keys; in a CDI spec
// only devices have them), so a request can blame the rejected file that
// defines its device rather than any file of the same kind.
function declaredDeviceNames(text: string): string[] {
  const names: string[] = [];
  const pattern = /(?:^|[\s{,-])"?name"?\s*:\s*["']?([^"'\s,}#]+)/gm;
  for (const match of text.matchAll(pattern)) names.push(match[1]!);
  return names;
}

// Finds every problem in one CDI spec file, not just the first one the
// reference stops at: each device, each edit and the version are checked on
// their own, with the reference's text and the line each concerns.

import type { CdiContainerEdits, CdiSpec } from '../model/cdi.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import { goQuote } from './go-format.ts';
import { loadGoYaml } from './go-yaml.ts';
import {
  parseQualifier,
  validateClassName,
  validateVendorName,
} from './names.ts';
import { lineFor, parseCdiSpecWithLines } from './parse-spec.ts';
import { decodeSpec } from './spec-decode.ts';
import type { SpecLines } from './spec-decode.ts';
import { isSpecFileName } from './registry.ts';
import type { SpecProblem } from './validate.ts';
import {
  validateContainerEdits,
  validateDevice,
  validateSpec,
} from './validate.ts';
import { checkSpecVersion } from './version.ts';

/** Every problem of a spec file; `loads` says whether the reference would load it. */
export interface CdiSpecLint {
  loads: boolean;
  diagnostics: Diagnostic[];
}

/** Lists every validation problem of one spec file, each at its line. */
export function lintCdiSpec(text: string, path: string): CdiSpecLint {
  const notes = extensionNotes(path);
  const parsed = parseCdiSpecWithLines(text, path);
  if (parsed.spec) return { loads: true, diagnostics: notes };
  const first = parsed.diagnostics[0];
  if (first?.code !== 'cdi-spec-invalid') {
    return { loads: false, diagnostics: [...parsed.diagnostics, ...notes] };
  }

  // The text decodes; only validation failed, so every part can be checked.
  const loaded = loadGoYaml(text);
  const decoded = loaded.value ? decodeSpec(loaded.value) : undefined;
  if (!decoded?.spec)
    return { loads: false, diagnostics: [...parsed.diagnostics, ...notes] };
  const problems = collectProblems(decoded.spec);
  // The reference's first problem leads, so the list agrees with a load.
  const firstProblem = validateSpec(decoded.spec);
  const ordered = firstProblem
    ? [
        firstProblem,
        ...problems.filter(
          (p) =>
            p.message !== firstProblem.message || p.path !== firstProblem.path,
        ),
      ]
    : problems;
  const diagnostics = ordered.map((p) =>
    toDiagnostic(p, path, text, decoded.lines),
  );
  return { loads: false, diagnostics: [...diagnostics, ...notes] };
}

function collectProblems(spec: CdiSpec): SpecProblem[] {
  const out: SpecProblem[] = [];
  const version = checkSpecVersion(spec);
  if (version) out.push(version);

  const { vendor, class: cls } = parseQualifier(spec.kind);
  const kindErr = validateVendorName(vendor) ?? validateClassName(cls);
  if (kindErr) out.push({ message: kindErr, path: 'kind' });

  for (const p of editProblems(spec.containerEdits)) {
    out.push({ message: p.message, path: `containerEdits.${p.path}` });
  }

  const seen = new Set<string>();
  for (const [i, device] of spec.devices.entries()) {
    const at = `devices.${i}`;
    const wrap = (message: string) =>
      `failed add device ${goQuote(device.name)}: ${message}`;
    // A bad name does not hide bad edits; empty edits have nothing to check.
    const whole = validateDevice(device);
    if (whole && !whole.path.startsWith('containerEdits.')) {
      out.push({ message: wrap(whole.message), path: `${at}.${whole.path}` });
    }
    if (whole?.path !== 'containerEdits') {
      for (const p of editProblems(device.containerEdits)) {
        const message = `invalid device ${goQuote(device.name)}: ${p.message}`;
        out.push({
          message: wrap(message),
          path: `${at}.containerEdits.${p.path}`,
        });
      }
    }
    if (seen.has(device.name)) {
      out.push({
        message: `invalid spec, multiple device ${goQuote(device.name)}`,
        path: `${at}.name`,
      });
    }
    seen.add(device.name);
  }
  if (spec.devices.length === 0)
    out.push({ message: 'invalid spec, no devices', path: 'devices' });
  return out;
}

// Checks each list item alone, so one bad entry does not hide the next.
function editProblems(edits: CdiContainerEdits | undefined): SpecProblem[] {
  if (!edits) return [];
  const out: SpecProblem[] = [];
  const lists = ['env', 'deviceNodes', 'hooks', 'mounts'] as const;
  for (const list of lists) {
    for (const [k, item] of (edits[list] ?? []).entries()) {
      const single = { [list]: [item] } as CdiContainerEdits;
      const p = validateContainerEdits(single);
      if (p) out.push({ message: p.message, path: `${list}.${k}` });
    }
  }
  const rest: CdiContainerEdits = {};
  if (edits.intelRdt) rest.intelRdt = edits.intelRdt;
  if (edits.netDevices) rest.netDevices = edits.netDevices;
  const p = validateContainerEdits(rest);
  if (p) out.push(p);
  return out;
}

function toDiagnostic(
  problem: SpecProblem,
  file: string,
  text: string,
  lines: SpecLines,
): Diagnostic {
  const line = lineFor(lines, problem.path) ?? 1;
  const width = (text.split('\n')[line - 1] ?? '').replace(/\r$/, '').length;
  return {
    code: 'cdi-spec-invalid',
    severity: 'error',
    message: `invalid CDI Spec: ${problem.message}`,
    location: {
      file,
      range: {
        start: { line, column: 1 },
        end: { line, column: Math.max(1, width + 1) },
      },
    },
  };
}

function extensionNotes(path: string): Diagnostic[] {
  if (isSpecFileName(path)) return [];
  return [
    {
      code: 'cdi-spec-ignored',
      severity: 'warning',
      message: `${path} is not read from a spec directory: CDI only loads files ending in .json or .yaml`,
      location: {
        file: path,
        range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
      },
    },
  ];
}

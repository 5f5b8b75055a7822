// Property tests: random text, random JSON, generated specs and mutations of
// every corpus spec go through the parser, the linter and the registry,
// which must always return diagnostics instead of throwing, and agree with
// each other about what loads.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import fc from 'fast-check';

import type { CdiSpec, CdiSpecFile } from '../model/cdi.ts';
import { lintCdiSpec } from './lint-spec.ts';
import { parseCdiSpec } from './parse-spec.ts';
import { createCdiRegistry } from './registry.ts';
import { formatCdiSpec } from './write-spec.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');
const RUNS = Number(process.env.FAST_CHECK_RUNS ?? 300);

const corpusTexts = listFiles(corpus)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .map((f) => readFileSync(f, 'utf8'));

// Checks one text the way every property below does.
function checkText(text: string, file = 'spec.yaml') {
  const parsed = parseCdiSpec(text, file);
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (parsed.spec) assert.equal(errors.length, 0, 'a loaded spec has errors');
  else assert.ok(errors.length > 0, 'a rejected spec has no error');

  const lines = text.split('\n').length;
  for (const d of parsed.diagnostics) {
    assert.equal(typeof d.message, 'string');
    assert.ok(d.message.length > 0);
    if (!d.location) continue;
    assert.equal(d.location.file, file);
    assert.ok(d.location.range.start.line >= 1);
    assert.ok(d.location.range.start.line <= lines);
  }

  const lint = lintCdiSpec(text, file);
  assert.equal(lint.loads, parsed.spec !== undefined);
  if (!parsed.spec)
    assert.deepEqual(lint.diagnostics[0], parsed.diagnostics[0]);
  return parsed;
}

// A loaded spec written back (YAML and JSON) loads to the same spec, up to
// zero values, which the reference does not tell from unset ones.
function checkRoundTrip(text: string) {
  const parsed = parseCdiSpec(text, 'spec.yaml');
  if (!parsed.spec) return;
  // Zero values the reference writes as unset (Go's omitempty): empty
  // lists, objects and strings, false, and major or minor 0.
  const withoutEmptyEdits = (s: CdiSpec): unknown =>
    JSON.parse(JSON.stringify(s), (k, v: unknown) => {
      if (v === '' || v === false) return undefined;
      if ((k === 'major' || k === 'minor') && v === 0) return undefined;
      if (Array.isArray(v) && v.length === 0) return undefined;
      const isObject = v !== null && typeof v === 'object' && !Array.isArray(v);
      if (isObject && Object.keys(v).length === 0) return undefined;
      return v;
    });
  for (const format of ['yaml', 'json'] as const) {
    const written = formatCdiSpec(parsed.spec, format);
    const again = parseCdiSpec(written, `again.${format}`);
    assert.deepEqual(again.diagnostics, [], written);
    assert.deepEqual(
      withoutEmptyEdits(again.spec!),
      withoutEmptyEdits(parsed.spec),
      written,
    );
  }
}

const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,8}$/);
const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'cdiVersion: 0.6.0',
        'cdiVersion: "1.1.0"',
        'kind: vendor.com/device',
        'devices:',
        '  - name: dev0',
        '    containerEdits:',
        '      env: [A=1]',
        '      deviceNodes: [{path: /dev/x}]',
        '      hooks: [{hookName: createContainer, path: /bin/true}]',
        '      mounts: [{hostPath: /a, containerPath: /b, type: tmpfs}]',
        '      intelRdt: {closID: x}',
        '      additionalGids: [0, 1]',
        '      netDevices: [{hostInterfaceName: eth0, name: e}]',
        'annotations: {a: b}',
        'containerEdits: {}',
        '---',
        '- ',
        '{',
        '&a [*a]',
        'name: y',
        '  name: 010',
      ),
      anyText,
    ),
    { maxLength: 12 },
  )
  .map((lines) => lines.join('\n'));

// Specs built from parts, most of them valid, with version-gated fields.
const edits = fc.record(
  {
    env: fc.array(
      fc.oneof(
        word.map((w) => `${w}=v`),
        word,
      ),
      { maxLength: 3 },
    ),
    deviceNodes: fc.array(
      fc.record(
        {
          path: fc.constantFrom('/dev/a', '/dev/b', ''),
          hostPath: fc.constantFrom('/dev/a', '/host/b'),
          type: fc.constantFrom('c', 'b', 'p', 'x'),
          permissions: fc.constantFrom('rw', 'rwm', 'none', 'q'),
          major: fc.integer({ min: 0, max: 300 }),
        },
        { requiredKeys: ['path'] },
      ),
      { maxLength: 2 },
    ),
    mounts: fc.array(
      fc.record(
        {
          hostPath: fc.constantFrom('/a', ''),
          containerPath: fc.constantFrom('/b', '/c/d'),
          type: fc.constantFrom('bind', 'tmpfs'),
          options: fc.array(fc.constantFrom('ro', 'rbind', 'nosuid')),
        },
        { requiredKeys: ['hostPath', 'containerPath'] },
      ),
      { maxLength: 2 },
    ),
    hooks: fc.array(
      fc.record({
        hookName: fc.constantFrom('createContainer', 'prestart', 'bogus'),
        path: fc.constantFrom('/bin/true', ''),
        args: fc.array(word, { maxLength: 2 }),
      }),
      { maxLength: 2 },
    ),
    additionalGids: fc.array(fc.integer({ min: 0, max: 70000 }), {
      maxLength: 2,
    }),
    intelRdt: fc.record({ closID: fc.constantFrom('a', '/', '..') }),
  },
  { requiredKeys: [] },
);
const spec = fc.record(
  {
    cdiVersion: fc.constantFrom('0.3.0', '0.5.0', '0.6.0', 'v1.1.0', '1.1', ''),
    kind: fc.constantFrom('vendor.com/device', 'v/c.d', 'vendor.com-/x', 'k'),
    annotations: fc.dictionary(word, word, { maxKeys: 2 }),
    devices: fc.array(
      fc.record(
        {
          name: fc.oneof(word, fc.constantFrom('0', 'all', 'bad name')),
          annotations: fc.dictionary(word, word, { maxKeys: 2 }),
          containerEdits: edits,
        },
        { requiredKeys: ['name', 'containerEdits'] },
      ),
      { maxLength: 3 },
    ),
    containerEdits: edits,
  },
  { requiredKeys: ['cdiVersion', 'kind', 'devices'] },
);

// Text edits that break a spec in the ways people do.
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete'), at: fc.nat(), len: fc.nat(8) }),
  fc.record({ kind: fc.constant('insert'), at: fc.nat(), text: anyText }),
  fc.record({ kind: fc.constant('swap-lines'), at: fc.nat() }),
  fc.record({
    kind: fc.constant('indent'),
    at: fc.nat(),
    by: fc.integer({ min: -2, max: 2 }),
  }),
  fc.record({ kind: fc.constant('duplicate-line'), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = lines.length > 0 ? m.at % lines.length : 0;
  switch (m.kind) {
    case 'delete': {
      const at = text.length > 0 ? m.at % text.length : 0;
      return text.slice(0, at) + text.slice(at + m.len);
    }
    case 'insert': {
      const at = text.length > 0 ? m.at % (text.length + 1) : 0;
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'swap-lines': {
      const other = (line + 1) % lines.length;
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join('\n');
    }
    case 'indent': {
      const l = lines[line] ?? '';
      lines[line] = m.by > 0 ? ' '.repeat(m.by) + l : l.slice(-m.by);
      return lines.join('\n');
    }
    case 'duplicate-line':
      lines.splice(line, 0, lines[line] ?? '');
      return lines.join('\n');
  }
}

describe('CDI parsing never throws', () => {
  test('random text', () => {
    fc.assert(
      fc.property(anyText, (t) => void checkText(t)),
      { numRuns: RUNS },
    );
  });

  test('YAML-shaped noise', () => {
    fc.assert(
      fc.property(yamlish, (t) => void checkText(t)),
      { numRuns: RUNS },
    );
  });

  test('random JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        checkText(JSON.stringify(v), 'spec.json');
      }),
      { numRuns: RUNS },
    );
  });

  test('generated specs, as JSON and YAML, and written back', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const json = JSON.stringify(s);
        checkText(json, 'spec.json');
        checkRoundTrip(json);
      }),
      { numRuns: RUNS },
    );
  });

  test('mutated corpus specs', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...corpusTexts),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        (text, ms) => {
          const mutated = ms.reduce(mutate, text);
          checkText(mutated);
          checkRoundTrip(mutated);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('the registry never throws', () => {
  const file = fc.record({
    path: fc.constantFrom(
      '/etc/cdi/a.yaml',
      '/etc/cdi/b.json',
      '/var/run/cdi/a.yaml',
      '/etc/cdi/c.yml',
      '/etc/cdi/d',
    ),
    priority: fc.integer({ min: 0, max: 2 }),
    text: fc.oneof(
      fc.constantFrom(...corpusTexts),
      spec.map((s) => JSON.stringify(s)),
      yamlish,
    ),
  });

  test('holds its invariants for any set of files', () => {
    fc.assert(
      fc.property(fc.array(file, { maxLength: 6 }), (files: CdiSpecFile[]) => {
        const registry = createCdiRegistry(files);
        const names = registry.devices.map((d) => d.qualifiedName);
        assert.deepEqual(names, [...new Set(names)], 'duplicate devices');
        assert.deepEqual(names, [...names].sort(), 'devices not sorted');
        for (const d of registry.devices) {
          assert.ok(files.some((f) => f.path === d.specPath));
          assert.equal(d.qualifiedName, `${d.kind}=${d.name}`);
        }
        // Every file that does not load is named in a diagnostic.
        for (const f of files) {
          if (!/\.(json|yaml)$/.test(f.path)) continue;
          if (parseCdiSpec(f.text, f.path).spec) continue;
          assert.ok(
            registry.diagnostics.some((d) => d.location?.file === f.path),
            `no diagnostic for ${f.path}`,
          );
        }
      }),
      { numRuns: RUNS },
    );
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

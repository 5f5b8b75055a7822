// Tests for lintCdiSpec: every problem of a spec with its line, and agreement
// with the loader on every file of the shared CDI corpus.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { lintCdiSpec } from './lint-spec.ts';
import { parseCdiSpec } from './parse-spec.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');

const BROKEN = `cdiVersion: "0.3.0"
kind: vendor.com/device
containerEdits:
  env:
    - GOOD=1
    - BROKEN
devices:
  - name: dev1
    containerEdits:
      deviceNodes:
        - path: /dev/one
          type: x
        - path: /dev/two
          permissions: rwx
  - name: dev2-
    containerEdits:
      env: [A=1]
  - name: dev1
    containerEdits:
      mounts:
        - hostPath: /a
          containerPath: /b
          type: tmpfs
`;

describe('lintCdiSpec', () => {
  it('reports every problem at its line', () => {
    const lint = lintCdiSpec(BROKEN, 'vendor.yaml');
    assert.equal(lint.loads, false);
    const got = lint.diagnostics.map(
      (d) => `${d.location?.range.start.line}: ${d.message}`,
    );
    assert.deepEqual(got, [
      '21: invalid CDI Spec: the spec version must be at least v0.4.0',
      '6: invalid CDI Spec: invalid container edits: invalid environment variable "BROKEN"',
      '11: invalid CDI Spec: failed add device "dev1": invalid device "dev1": device "/dev/one": invalid type "x"',
      '13: invalid CDI Spec: failed add device "dev1": invalid device "dev1": device "/dev/two": invalid permissions "rwx"',
      '15: invalid CDI Spec: failed add device "dev2-": invalid name "dev2-", should end with a letter or digit',
      '18: invalid CDI Spec: invalid spec, multiple device "dev1"',
    ]);
  });

  it('reports bad edits of a device whose name is bad too', () => {
    const text = [
      'cdiVersion: "0.6.0"',
      'kind: vendor.com/device',
      'devices:',
      '  - name: gpu1-',
      '    containerEdits:',
      '      hooks: [{hookName: preStart, path: /bin/true}]',
      '',
    ].join('\n');
    const got = lintCdiSpec(text, 'v.yaml').diagnostics.map(
      (d) => `${d.location?.range.start.line}: ${d.message}`,
    );
    assert.deepEqual(got, [
      '4: invalid CDI Spec: failed add device "gpu1-": invalid name "gpu1-", should end with a letter or digit',
      '6: invalid CDI Spec: failed add device "gpu1-": invalid device "gpu1-": invalid hook name "preStart"',
    ]);
  });

  it('reports nothing for a spec that loads', () => {
    const text = BROKEN.replace('0.3.0', '0.5.0')
      .replace('    - BROKEN\n', '')
      .replace('type: x', 'type: c')
      .replace('rwx', 'rw')
      .replace('dev2-', 'dev2')
      .replace(/name: dev1\n(\s+containerEdits:\n\s+mounts)/, 'name: dev3\n$1');
    assert.deepEqual(lintCdiSpec(text, 'vendor.yaml'), {
      loads: true,
      diagnostics: [],
    });
  });

  it('warns that a .yml file is never read from a spec directory', () => {
    const text = readFileSync(
      path.join(corpus, 'from-test-tables/readspec-valid.yaml'),
      'utf8',
    );
    const lint = lintCdiSpec(text, '/etc/cdi/vendor.yml');
    assert.equal(lint.loads, true);
    assert.equal(lint.diagnostics[0]?.code, 'cdi-spec-ignored');
  });

  it("leads with the loader's own error on every corpus file", () => {
    const files = listFiles(corpus).filter((f) => /\.(ya?ml|json)$/.test(f));
    assert.ok(files.length >= 20);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const parsed = parseCdiSpec(text, file);
      const lint = lintCdiSpec(text, file);
      assert.equal(lint.loads, parsed.spec !== undefined, file);
      if (parsed.spec) continue;
      assert.deepEqual(lint.diagnostics[0], parsed.diagnostics[0], file);
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full) : [full];
  });
}

// The registry over ordered spec directories: override by priority, conflicts
// within one directory, bad files reported beside good ones, file names.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { CdiSpecFile } from '../model/cdi.ts';
import { createCdiRegistry, isSpecFileName } from './registry.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const scenarios = path.resolve(repoRoot, '../shared/corpus/cdi/scenarios');

function scenario(name: string): CdiSpecFile[] {
  const out: CdiSpecFile[] = [];
  for (const [dir, priority] of [
    ['etc', 0],
    ['run', 1],
  ] as const) {
    let names: string[] = [];
    try {
      names = readdirSync(path.join(scenarios, name, dir)).sort();
    } catch {
      continue;
    }
    for (const file of names) {
      out.push({
        path: `/${dir}/${file}`,
        priority,
        text: readFileSync(path.join(scenarios, name, dir, file), 'utf8'),
      });
    }
  }
  return out;
}

const good = (name: string, env = 'A=1') =>
  `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: ${name}\n    containerEdits:\n      env: [${env}]\n`;

describe('createCdiRegistry', () => {
  it('override: the later directory wins, no errors', () => {
    const reg = createCdiRegistry(scenario('override'));
    assert.deepEqual(reg.diagnostics, []);
    const byName = Object.fromEntries(
      reg.devices.map((d) => [d.qualifiedName, d.specPath]),
    );
    assert.deepEqual(byName, {
      'vendor1.com/device=dev1': '/run/vendor1.yaml',
      'vendor1.com/device=dev2': '/etc/vendor1.yaml',
    });
  });

  it('override does not depend on the order files are handed in', () => {
    const reg = createCdiRegistry(scenario('override').reverse());
    const dev1 = reg.devices.find((d) => d.name === 'dev1')!;
    assert.equal(dev1.specPath, '/run/vendor1.yaml');
  });

  it('conflict: a device defined twice in one directory is dropped, both files named', () => {
    const reg = createCdiRegistry(scenario('conflict'));
    assert.deepEqual(
      reg.devices.map((d) => d.qualifiedName),
      ['vendor1.com/device=dev2'],
    );
    const message =
      'conflicting device "vendor1.com/device=dev1" (specs "/run/vendor1.yaml", "/run/vendor1-other.yaml")';
    assert.deepEqual(
      reg.diagnostics.map((d) => [d.message, d.location?.file]),
      [
        [message, '/run/vendor1.yaml'],
        [message, '/run/vendor1-other.yaml'],
      ],
    );
    assert.equal(reg.diagnostics[0]!.location?.range.start.line, 4);
  });

  it('a same-priority conflict also removes the device from a higher directory', () => {
    const reg = createCdiRegistry([
      { path: '/etc/a.yaml', priority: 0, text: good('x') },
      { path: '/etc/b.yaml', priority: 0, text: good('x') },
      { path: '/run/c.yaml', priority: 1, text: good('x') },
    ]);
    assert.deepEqual(reg.devices, []);
  });

  it('reports a bad file without hiding the good ones', () => {
    const reg = createCdiRegistry([
      {
        path: '/etc/cdi/bad.yaml',
        priority: 0,
        text: 'cdiVersion: 0.3.0\nkind: vendor.com/dev\nxyzzy: 1\n',
      },
      { path: '/etc/cdi/good.yaml', priority: 0, text: good('ok') },
    ]);
    assert.deepEqual(
      reg.devices.map((d) => d.qualifiedName),
      ['vendor.com/dev=ok'],
    );
    assert.equal(reg.diagnostics.length, 1);
    assert.equal(
      reg.diagnostics[0]!.message,
      'failed to load CDI Spec failed to parse CDI Spec "/etc/cdi/bad.yaml": failed to unmarshal CDI Spec: error unmarshaling JSON: while decoding JSON: json: unknown field "xyzzy"',
    );
    assert.equal(reg.diagnostics[0]!.location?.range.start.line, 3);
  });

  it('only .json and .yaml files are read', () => {
    const reg = createCdiRegistry([
      { path: '/etc/cdi/a.yml', priority: 0, text: good('yml') },
      { path: '/etc/cdi/b.YAML', priority: 0, text: good('upper') },
      { path: '/etc/cdi/c.json', priority: 0, text: good('json') },
    ]);
    assert.deepEqual(
      reg.devices.map((d) => d.name),
      ['json'],
    );
    assert.deepEqual(
      reg.diagnostics.map((d) => [d.severity, d.location?.file]),
      [
        ['info', '/etc/cdi/a.yml'],
        ['info', '/etc/cdi/b.YAML'],
      ],
    );
    assert.equal(isSpecFileName('/etc/cdi/x.yaml'), true);
    assert.equal(isSpecFileName('/etc/cdi.yaml/x'), false);
  });

  it('lists devices sorted by qualified name', () => {
    const reg = createCdiRegistry([
      {
        path: '/a.yaml',
        priority: 0,
        text:
          good('b') + '  - name: A\n    containerEdits:\n      env: [B=1]\n',
      },
    ]);
    assert.deepEqual(
      reg.devices.map((d) => d.name),
      ['A', 'b'],
    );
  });
});

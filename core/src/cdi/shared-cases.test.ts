// The CDI behaviour cases in shared/cases (S01-S03, B26, B28, B29, B31, S04):
// spec files installed in /etc/cdi, one RUN --device request each.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import type { CdiSpecFile, DeviceEntitlement, OciSpec } from '../model/cdi.ts';
import { applyCdiEdits } from './apply-edits.ts';
import { createCdiRegistry } from './registry.ts';
import { resolveDeviceRequest } from './resolve.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const casesDir = path.resolve(repoRoot, '../shared/cases');

function specFiles(id: string): CdiSpecFile[] {
  const out: CdiSpecFile[] = [];
  for (const [sub, dir, priority] of [
    ['cdi', '/etc/cdi', 0],
    ['cdi-var-run', '/var/run/cdi', 1],
  ] as const) {
    const folder = path.join(casesDir, id, sub);
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder).sort()) {
      out.push({
        path: `${dir}/${name}`,
        priority,
        text: readFileSync(path.join(folder, name), 'utf8'),
      });
    }
  }
  return out;
}

function caseOf(id: string): {
  request: string;
  entitlement: DeviceEntitlement;
  expect: Record<string, unknown>;
} {
  const json = JSON.parse(
    readFileSync(path.join(casesDir, id, 'case.json'), 'utf8'),
  );
  const dockerfile = readFileSync(
    path.join(casesDir, id, 'Dockerfile'),
    'utf8',
  );
  const request = /--device=(\S+)/.exec(dockerfile)![1]!;
  const all = /--allow device(\s|$)/.test(json.command);
  return { request, entitlement: { all, names: [] }, expect: json.expect };
}

const baseSpec: OciSpec = {
  process: {
    user: { uid: 0, gid: 0 },
    env: ['PATH=/usr/bin:/bin'],
    args: ['env'],
  },
};

function runCase(id: string, envBefore: string[] = []) {
  const c = caseOf(id);
  const registry = createCdiRegistry(specFiles(id));
  const resolution = resolveDeviceRequest(
    registry,
    { name: c.request, required: false },
    c.entitlement,
  );
  const spec: OciSpec = {
    ...baseSpec,
    process: {
      ...baseSpec.process,
      env: [...baseSpec.process!.env!, ...envBefore],
    },
  };
  const applied = applyCdiEdits(spec, resolution.edits);
  const env = Object.fromEntries(
    (applied.spec.process?.env ?? []).map((e) => [
      e.slice(0, e.indexOf('=')),
      e.slice(e.indexOf('=') + 1),
    ]),
  );
  return { c, registry, resolution, applied, env };
}

function assertOk(id: string, envBefore: string[] = []): void {
  const { c, resolution, env, applied } = runCase(id, envBefore);
  assert.equal(resolution.error, undefined);
  assert.equal(resolution.allowed, true);
  assert.deepEqual(resolution.devices, c.expect['devices_injected']);
  for (const [k, v] of Object.entries(
    c.expect['run_env'] as Record<string, string>,
  )) {
    assert.equal(env[k], v, `run_env ${k}`);
  }
  assert.deepEqual(applied.diagnostics, []);
}

describe('shared CDI cases', () => {
  it('S01: --allow device injects vendor1.com/device=foo (FOO=injected)', () => {
    assertOk('S01');
  });

  it('S02: without --allow device the request is refused with BuildKit text', () => {
    const { c, resolution } = runCase('S02');
    assert.equal(resolution.allowed, false);
    assert.equal(resolution.error, c.expect['error_contains']);
    assert.equal(
      resolution.error,
      'device vendor1.com/device=foo is requested by the build but not allowed',
    );
  });

  it('S03: unquoted autoallow true lets the device in without --allow', () => {
    const { registry } = runCase('S03');
    assert.equal(
      registry.devices[0]!.annotations[
        'org.mobyproject.buildkit.device.autoallow'
      ],
      'true',
    );
    assert.equal(registry.devices[0]!.autoAllow, true);
    assertOk('S03');
  });

  it('B26: a device named "0" resolves by exact name', () => {
    assertOk('B26');
  });

  it('B28: annotations under cdiVersion 0.5.0 reject the spec, device not registered', () => {
    const { registry, resolution } = runCase('B28');
    assert.deepEqual(registry.devices, []);
    assert.match(
      registry.diagnostics[0]!.message,
      /the spec version must be at least v0\.6\.0/,
    );
    assert.equal(
      registry.diagnostics[0]!.location?.file,
      '/etc/cdi/acme-sensor.yaml',
    );
    // Optional (the default), but its kind is declared only by the rejected
    // spec: the request fails and names the file and the cause.
    assert.match(resolution.error!, /is not registered/);
    assert.match(
      resolution.error!,
      /acme-sensor\.yaml was rejected: .*the spec version must be at least v0\.6\.0/,
    );
    const required = resolveDeviceRequest(
      registry,
      { name: 'acme.test/sensor=probe', required: true },
      { all: false, names: [] },
    );
    assert.equal(
      required.error,
      'required device "acme.test/sensor=probe" is not registered',
    );
  });

  it('B29: a device without its own edits makes the spec invalid', () => {
    const { registry, resolution } = runCase('B29');
    assert.deepEqual(registry.devices, []);
    assert.equal(
      registry.diagnostics[0]!.message,
      'failed to load CDI Spec invalid CDI Spec: failed add device "port1": invalid device, empty device edits',
    );
    assert.equal(registry.diagnostics[0]!.location?.range.start.line, 7);
    assert.match(resolution.error!, /is not registered: its spec/);
    const required = resolveDeviceRequest(
      registry,
      { name: 'acme.test/nic=port1', required: true },
      { all: true, names: [] },
    );
    assert.equal(
      required.error,
      'required device "acme.test/nic=port1" is not registered',
    );
  });

  it('B31: spec-level env first, then the device env overrides the image env', () => {
    assertOk('B31', ['MODE=image']);
    const { env } = runCase('B31', ['MODE=image']);
    assert.equal(env['MODE'], 'device');
  });

  it('S04: a kind-only request takes the alphabetically first NVIDIA device', () => {
    const { resolution } = runCase('S04');
    assert.deepEqual(resolution.devices, ['nvidia.com/gpu=0']);
  });
});

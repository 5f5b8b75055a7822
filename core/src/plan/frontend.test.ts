// RUN --device and RUN --security against the frontend a build runs: labs
// resolves devices, a current mainline (or the built-in one) refuses them
// when dispatching, older frontends do not know the flags.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { BuildOptions } from '../model/options.ts';
import {
  deviceSupport,
  frontendSyntax,
  isLabsSyntax,
  knowsSecurityFlag,
} from './frontend.ts';
import { planBuild } from './plan-build.ts';

const LABS_ERROR =
  'device feature is only supported in Dockerfile frontend 1.14.0-labs or later';

const SPEC = {
  path: '/etc/cdi/acme.yaml',
  priority: 0,
  text: 'cdiVersion: "0.6.0"\nkind: acme.test/gpu\ndevices:\n  - name: g0\n    containerEdits:\n      env: [G=0]\n',
};

function errors(text: string, options: BuildOptions = {}): string[] {
  const plan = planBuild(text, {
    cdiSpecs: [SPEC],
    allow: ['device'],
    ...options,
  });
  return plan.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.location?.range.start.line}: ${d.message}`);
}

test('reads the channel and version of a syntax reference', () => {
  const cases: [string | undefined, string][] = [
    [undefined, 'mainline'],
    ['docker/dockerfile:1', 'mainline'],
    ['docker/dockerfile', 'mainline'],
    ['docker/dockerfile:1.14', 'mainline'],
    ['docker/dockerfile:1-labs', 'labs'],
    ['docker/dockerfile:labs', 'labs'],
    ['docker/dockerfile:1.14.0-labs', 'labs'],
    ['docker.io/docker/dockerfile:1.26-labs@sha256:abc', 'labs'],
    ['docker/dockerfile-upstream:master-labs', 'labs'],
    ['docker/dockerfile:1.13-labs', 'unknown-flag'],
    ['docker/dockerfile:1.4', 'unknown-flag'],
    ['localhost:5000/dockerfile', 'mainline'],
  ];
  for (const [syntax, expected] of cases) {
    assert.equal(deviceSupport(syntax), expected, String(syntax));
  }
  assert.ok(isLabsSyntax('docker/dockerfile:1-labs'));
  assert.ok(!isLabsSyntax(undefined));
  assert.equal(
    frontendSyntax('docker/dockerfile:1', {}),
    'docker/dockerfile:1',
  );
  assert.equal(
    frontendSyntax('docker/dockerfile:1', { BUILDKIT_SYNTAX: 'x:1-labs' }),
    'x:1-labs',
  );
});

test('without a syntax directive the built-in frontend refuses RUN --device', () => {
  const text = 'FROM alpine\nRUN --device=acme.test/gpu env\n';
  assert.deepEqual(errors(text), [`2: ${LABS_ERROR}`]);
  assert.deepEqual(
    errors(text, {
      buildArgs: { BUILDKIT_SYNTAX: 'docker/dockerfile:1-labs' },
    }),
    [],
  );
});

test('mainline refuses only the steps the build runs', () => {
  const text =
    '# syntax=docker/dockerfile:1\nFROM alpine AS unused\nRUN --device=acme.test/gpu env\nFROM alpine\nRUN true\n';
  assert.deepEqual(errors(text), []);
  assert.deepEqual(errors(text, { target: 'unused' }), [`3: ${LABS_ERROR}`]);
});

test('a frontend before 1.14 fails on the flag in any stage', () => {
  const text =
    '# syntax=docker/dockerfile:1.13-labs\nFROM alpine AS unused\nRUN --device=acme.test/gpu env\nFROM alpine\nRUN true\n';
  assert.deepEqual(errors(text), ['3: unknown flag: --device']);
});

test('labs resolves the device', () => {
  const text =
    '# syntax=docker/dockerfile:1-labs\nFROM alpine\nRUN --device=acme.test/gpu env\n';
  const plan = planBuild(text, { cdiSpecs: [SPEC], allow: ['device'] });
  assert.deepEqual(errors(text), []);
  const run = Object.values(plan.vertices).find((v) => v.kind === 'run');
  assert.equal(run?.kind, 'run');
  if (run?.kind === 'run') {
    assert.deepEqual(run.devices[0].devices, ['acme.test/gpu=g0']);
  }
});

test('RUN --security: labs and mainline from 1.20 know it, older mainline does not', () => {
  const cases: [string | undefined, boolean][] = [
    [undefined, true],
    ['docker/dockerfile:1', true],
    ['docker/dockerfile', true],
    ['docker/dockerfile:1.20', true],
    ['docker/dockerfile:1.19', false],
    ['docker/dockerfile:1.4', false],
    ['docker/dockerfile:1.4-labs', true],
    ['docker/dockerfile:1-labs', true],
  ];
  for (const [syntax, known] of cases) {
    assert.equal(knowsSecurityFlag(syntax), known, String(syntax));
  }
  const text = (syntax: string) =>
    `# syntax=${syntax}\nFROM alpine AS unused\n` +
    'RUN --security=insecure true\nFROM alpine\nRUN true\n';
  assert.deepEqual(errors(text('docker/dockerfile:1.19')), [
    '3: unknown flag: --security',
  ]);
  assert.deepEqual(errors(text('docker/dockerfile:1.19-labs')), []);
  assert.deepEqual(errors(text('docker/dockerfile:1')), []);
});

test('the planned RUN vertex carries security=insecure', () => {
  const text = 'FROM alpine\nRUN --security=insecure true\n';
  const plan = planBuild(text, { allow: ['security.insecure'] });
  const run = Object.values(plan.vertices).find((v) => v.kind === 'run');
  assert.equal(run?.kind === 'run' && run.security, 'insecure');
  const sandbox = planBuild('FROM alpine\nRUN true\n', {});
  const plain = Object.values(sandbox.vertices).find((v) => v.kind === 'run');
  assert.equal(plain?.kind === 'run' && plain.security, undefined);
});

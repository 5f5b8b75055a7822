// Plans every case in ../shared/cases and checks its plan-level expectations:
// instructions, base image, stages built and skipped, args, env, injected
// devices and error text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { CdiSpecFile } from '../model/cdi.ts';
import type { BuildOptions } from '../model/options.ts';
import type { BuildPlan, RunVertex } from '../model/plan.ts';
import { planBuild } from './plan-build.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const casesDir = path.resolve(repoRoot, '../shared/cases');

interface CaseFile {
  id: string;
  command: string;
  expect: {
    ok?: boolean;
    error_contains?: string;
    instructions?: string[];
    base_image?: string;
    stages_built?: string[];
    stages_skipped?: string[];
    args?: Record<string, Record<string, string>>;
    env?: Record<string, string>;
    devices_injected?: string[];
  };
}

/** Reads `docker buildx build` flags into build options (the subset cases use). */
function optionsFromCommand(command: string): BuildOptions {
  const words = command.split(/\s+/).filter((w) => w !== '');
  assert.deepEqual(words.slice(0, 3), ['docker', 'buildx', 'build'], command);
  const options: BuildOptions = {
    platforms: [],
    allow: [],
    outputs: [],
    buildArgs: {},
  };
  for (let i = 3; i < words.length; i++) {
    const word = words[i];
    if (word === '.') continue;
    const eq = word.indexOf('=');
    const flag = word.startsWith('--') && eq > 0 ? word.slice(0, eq) : word;
    const value = flag !== word ? word.slice(eq + 1) : words[++i];
    switch (flag) {
      case '--platform':
        options.platforms!.push(value);
        break;
      case '--target':
        options.target = value;
        break;
      case '--build-arg': {
        const at = value.indexOf('=');
        options.buildArgs![value.slice(0, at)] = value.slice(at + 1);
        break;
      }
      case '--allow':
        options.allow!.push(value);
        break;
      case '--output':
      case '-o':
        options.outputs!.push(value);
        break;
      default:
        assert.fail(`unsupported flag ${word} in ${command}`);
    }
  }
  return options;
}

function readSpecs(dir: string): CdiSpecFile[] {
  const specs: CdiSpecFile[] = [];
  for (const [folder, priority, root] of [
    ['cdi', 0, '/etc/cdi'],
    ['cdi-var-run', 1, '/var/run/cdi'],
  ] as const) {
    const full = path.join(dir, folder);
    if (!existsSync(full)) continue;
    for (const name of readdirSync(full).sort()) {
      const text = readFileSync(path.join(full, name), 'utf8');
      specs.push({ path: `${root}/${name}`, priority, text });
    }
  }
  return specs;
}

function stageIds(plan: BuildPlan, built: boolean): string[] {
  const platform = plan.platforms[0];
  const ids = platform.stages.filter((s) => s.built === built);
  if (built) {
    return platform.order.map((i) => platform.stages[i].id);
  }
  return ids.map((s) => s.id);
}

function targetStage(plan: BuildPlan) {
  const platform = plan.platforms[0];
  return platform.stages[platform.target];
}

function injectedDevices(plan: BuildPlan): string[] {
  const stage = targetStage(plan);
  const names = new Set<string>();
  for (const id of stage.vertices) {
    const vertex = plan.vertices[id];
    if (vertex.kind !== 'run') continue;
    for (const resolution of (vertex as RunVertex).devices) {
      for (const device of resolution.devices) names.add(device);
    }
  }
  return [...names].sort();
}

function envMap(env: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of env) {
    const eq = entry.indexOf('=');
    out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

function checkCase(dir: string) {
  const file = JSON.parse(
    readFileSync(path.join(dir, 'case.json'), 'utf8'),
  ) as CaseFile;
  const text = readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
  const options = {
    ...optionsFromCommand(file.command),
    cdiSpecs: readSpecs(dir),
  };
  const plan = planBuild(text, options);
  const expect = file.expect;
  const errors = plan.diagnostics.filter((d) => d.severity === 'error');

  if (expect.error_contains !== undefined) {
    const wanted = expect.error_contains.toLowerCase();
    assert.ok(
      errors.some((d) => d.message.toLowerCase().includes(wanted)),
      `expected an error containing ${JSON.stringify(expect.error_contains)}, got ${JSON.stringify(errors.map((d) => d.message))}`,
    );
    assert.equal(plan.ok, false);
  } else {
    assert.deepEqual(errors, [], 'unexpected errors');
    assert.equal(plan.ok, true);
  }
  if (expect.instructions)
    assert.deepEqual(plan.instructions, expect.instructions);
  if (expect.base_image !== undefined) {
    const base = targetStage(plan).base;
    assert.equal(
      base.kind === 'image' ? base.ref : base.kind,
      expect.base_image,
    );
  }
  if (expect.stages_built)
    assert.deepEqual(stageIds(plan, true), expect.stages_built);
  if (expect.stages_skipped)
    assert.deepEqual(stageIds(plan, false), expect.stages_skipped);
  for (const [id, args] of Object.entries(expect.args ?? {})) {
    const stage = plan.platforms[0].stages.find((s) => s.id === id);
    assert.ok(stage, `no stage ${id}`);
    for (const [name, value] of Object.entries(args)) {
      assert.equal(stage.args[name], value, `args.${id}.${name}`);
    }
  }
  if (expect.env) {
    const env = envMap(targetStage(plan).config.env);
    for (const [name, value] of Object.entries(expect.env)) {
      assert.equal(env[name], value, `env.${name}`);
    }
  }
  if (expect.devices_injected)
    assert.deepEqual(injectedDevices(plan), expect.devices_injected);
}

const caseDirs = existsSync(casesDir)
  ? readdirSync(casesDir)
      .filter((name) => existsSync(path.join(casesDir, name, 'case.json')))
      .sort()
  : [];

test('the shared cases folder is present', () => {
  assert.ok(caseDirs.length > 0, `no cases found in ${casesDir}`);
});

for (const name of caseDirs) {
  test(`case ${name}`, () => checkCase(path.join(casesDir, name)));
}

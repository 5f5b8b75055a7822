// Builds small BuildPlan values by hand for executor tests, and decides
// whether the host can run them (crun and the built-in store present).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type {
  BuildPlan,
  CopyVertex,
  DeviceResolution,
  ImageConfig,
  OutputSpec,
  ProgressEvent,
  RunVertex,
  Vertex,
} from '../../../core/src/index.ts';
import { storeHas } from '../../src/build.ts';
import { slipwayHome } from '../../src/paths.ts';

/** A stage step before ids are assigned. */
export type StepSpec =
  | { kind: 'run'; script: string; extra?: Partial<RunVertex> }
  | {
      kind: 'copy';
      source: CopyVertex['source'];
      sources: string[];
      dest: string;
      extra?: Partial<CopyVertex>;
    }
  | { kind: 'workdir'; path: string };

/** One stage: a base image (or scratch) and its steps. */
export interface StageSpec {
  name?: string;
  from: string | 'scratch';
  steps: StepSpec[];
}

/** Plans the stages for each platform; the last stage is the target. */
export function handPlan(
  stages: StageSpec[],
  options: {
    platforms?: string[];
    outputs?: OutputSpec[];
    env?: string[];
  } = {},
): BuildPlan {
  const platforms = options.platforms ?? ['linux/amd64'];
  const vertices: Record<string, Vertex> = {};
  const add = (v: Omit<Vertex, 'id'>): string => {
    const id = `sha256:${createHash('sha256').update(JSON.stringify(v)).digest('hex')}`;
    vertices[id] = { ...v, id } as Vertex;
    return id;
  };

  const platformPlans = platforms.map((platform) => {
    const results: (string | undefined)[] = [];
    const stagePlans = stages.map((stage, index) => {
      const ids: string[] = [];
      let parent: string | undefined;
      let cwd = '/';
      if (stage.from !== 'scratch') {
        parent = add({
          kind: 'image',
          ref: stage.from,
          stage: index,
          platform,
          name: `[${index + 1}] FROM ${stage.from}`,
          text: `FROM ${stage.from}`,
          inputs: [],
        } as Omit<Vertex, 'id'>);
        ids.push(parent);
      }
      stage.steps.forEach((step, i) => {
        const base = {
          stage: index,
          platform,
          name: `[stage-${index} ${i + 1}/${stage.steps.length}] ${describe(step)}`,
          text: describe(step),
        };
        let v: Omit<Vertex, 'id'>;
        if (step.kind === 'run') {
          v = {
            ...base,
            kind: 'run',
            args: ['/bin/sh', '-c', step.script],
            env: options.env ?? [],
            cwd,
            user: '',
            network: 'none',
            mounts: [],
            devices: [],
            files: [],
            inputs: parent ? [parent] : [],
            ...step.extra,
          } as Omit<RunVertex, 'id'>;
        } else if (step.kind === 'copy') {
          const fromStage =
            step.source.kind === 'stage'
              ? results[step.source.stage]
              : undefined;
          const source =
            step.source.kind === 'stage'
              ? { ...step.source, vertex: fromStage }
              : step.source;
          v = {
            ...base,
            kind: 'copy',
            instruction: 'COPY',
            source,
            sources: step.sources,
            dest: step.dest,
            link: false,
            parents: false,
            exclude: [],
            inputs: [
              ...(parent ? [parent] : []),
              ...(fromStage ? [fromStage] : []),
            ],
            ...step.extra,
          } as Omit<CopyVertex, 'id'>;
        } else {
          cwd = step.path;
          v = {
            ...base,
            kind: 'workdir',
            path: step.path,
            user: '',
            inputs: parent ? [parent] : [],
          } as Omit<Vertex, 'id'>;
        }
        parent = add(v);
        ids.push(parent);
      });
      results.push(parent);
      return {
        index,
        name: stage.name,
        id: stage.name ?? String(index),
        built: true,
        reason: 'target',
        platform,
        base:
          stage.from === 'scratch'
            ? ({ kind: 'scratch' } as const)
            : ({ kind: 'image', ref: stage.from, platform } as const),
        args: {},
        config: emptyConfig(options.env ?? []),
        vertices: ids,
        result: parent,
      };
    });
    return {
      platform,
      target: stages.length - 1,
      stages: stagePlans,
      order: stagePlans.map((s) => s.index),
    };
  });

  return {
    file: 'Dockerfile',
    options: {
      file: 'Dockerfile',
      platforms,
      buildPlatform: 'linux/amd64',
      builderPlatforms: ['linux/amd64'],
      buildArgs: {},
      device: { all: false, names: [] },
      networkHost: false,
      securityInsecure: false,
      outputs: options.outputs ?? [],
      legacy: false,
    },
    instructions: [],
    platforms: platformPlans,
    vertices,
    diagnostics: [],
    ok: true,
  };
}

/** Returns a resolution that injects `edits` for device `name`. */
export function allowedDevice(
  name: string,
  edits: DeviceResolution['edits'],
): DeviceResolution {
  return {
    request: name,
    required: true,
    devices: [name],
    allowed: true,
    reason: 'allowed by --allow device',
    edits,
  };
}

function describe(step: StepSpec): string {
  if (step.kind === 'run') return `RUN ${step.script}`;
  if (step.kind === 'copy')
    return `COPY ${step.sources.join(' ')} ${step.dest}`;
  return `WORKDIR ${step.path}`;
}

function emptyConfig(env: string[]): ImageConfig {
  return {
    env,
    labels: {},
    exposedPorts: [],
    volumes: [],
    shell: ['/bin/sh', '-c'],
    onBuild: [],
  };
}

/** Collects progress events and joins a vertex's log output. */
export function eventLog() {
  const events: ProgressEvent[] = [];
  return {
    events,
    onEvent: (e: ProgressEvent) => events.push(e),
    output: () =>
      events
        .filter((e) => e.kind === 'vertex-log')
        .map((e) => (e.kind === 'vertex-log' ? e.data : ''))
        .join(''),
  };
}

/** Makes a temporary folder removed at process exit. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Says why the executor tests cannot run here (undefined when they can);
 * under CI=true they must run, so this throws instead.
 */
export function skipReason(): string | undefined {
  const reason = missingPrerequisite();
  if (reason && process.env.CI === 'true') {
    throw new Error(`executor tests cannot run under CI: ${reason}`);
  }
  return reason;
}

function missingPrerequisite(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (run the tests as root)';
  const hasRuntime = ['/usr/bin/crun', '/usr/sbin/runc', '/usr/bin/runc'].some(
    (f) => fs.existsSync(f),
  );
  if (!hasRuntime) return 'no crun or runc (apt-get install crun runc)';
  if (!storeHas('busybox:1.36', 'linux/amd64')) {
    return `no busybox in the image store at ${slipwayHome()}/images (run scripts/setup-images.sh as root)`;
  }
  return undefined;
}

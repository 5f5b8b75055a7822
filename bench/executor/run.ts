// `npm run bench:executor` (as root): in one run, interleaved, a bare `crun
// run` of /bin/true (through the launcher Slipway starts runtimes with) against
// one Slipway RUN step of /bin/true, then a 6-step Dockerfile built cold (no
// cache) and warm by Slipway, buildah (runc) and Docker 20.10's BuildKit;
// medians and ratios against the targets.

import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { planBuild, type ProgressEvent } from '../../core/src/index.ts';
import { runBuild } from '../../executor-node/src/build.ts';
import { slipwayPaths } from '../../executor-node/src/paths.ts';
import { OciRuntime } from '../../executor-node/src/runtime/oci-runtime.ts';
import { OciImageStore } from '../../executor-node/src/store/image-store.ts';
import {
  buildahPeer,
  dockerPeer,
  slipwayPeer,
  type Peer,
  type PeerContext,
} from './peers.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const STEP_RUNS = Number(process.env.BENCH_STEP_RUNS ?? 30);
const BUILD_RUNS = Number(process.env.BENCH_BUILD_RUNS ?? 10);

/** The probe's benchmark Dockerfile: 6 build steps over 2 stages. */
const DOCKERFILE = `ARG BASE=localhost/busybox
FROM $BASE AS base
RUN echo step1 > /a
RUN i=0; while [ $i -lt 1000 ]; do i=$((i+1)); done; echo $i > /b
COPY hello.txt /c
ENV FOO=bar
RUN cat /a /b /c && echo $FOO > /d && uname -m > /arch
FROM base AS final
RUN echo final > /e
`;

await main();

async function main() {
  if (process.getuid?.() !== 0) throw new Error('run the bench as root');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
  const home = path.join(work, 'home');
  fs.mkdirSync(home);
  fs.symlinkSync(slipwayPaths().images, path.join(home, 'images'));
  const peers: Peer[] = [];
  try {
    // The CLI peers run the bundle; one left stale by an edit would run the
    // TypeScript sources through tsx instead.
    const built = spawnSync(
      process.execPath,
      [path.join(REPO, 'scripts/build-cli.mjs')],
      { stdio: 'inherit' },
    );
    if (built.status !== 0) throw new Error('scripts/build-cli.mjs failed');
    const rootfs = await unpackBusybox(work);
    console.log(
      `Slipway executor bench: ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}, kernel ${os.release()}`,
    );
    console.log(
      `medians of ${STEP_RUNS} (steps) and ${BUILD_RUNS} (builds) interleaved runs\n`,
    );

    const step = await benchRunStep(work, rootfs, home);
    const context = await prepareContext(work, rootfs, home);
    for (const make of [
      () => slipwayPeer(context, false),
      () => slipwayPeer(context, true),
      // As this machine's environment has it (see slipwayPeer).
      ...(process.env.NODE_EXTRA_CA_CERTS
        ? [() => slipwayPeer(context, false, true)]
        : []),
      () => buildahPeer(context),
      () => dockerPeer(context),
    ]) {
      const peer = await make();
      if (typeof peer === 'string') console.log(`skipped: ${peer}`);
      else peers.push(peer);
    }
    const builds = await benchBuilds(peers);
    report(step, builds);
  } finally {
    for (const peer of peers) await peer.stop?.();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Bare crun against a Slipway RUN step, alternating. */
async function benchRunStep(work: string, rootfs: string, home: string) {
  const runtime = OciRuntime.detect('crun');
  const bundle = path.join(work, 'bundle');
  fs.mkdirSync(bundle);
  execFileSync(runtime.choice.path, ['spec'], { cwd: bundle });
  const spec = JSON.parse(
    fs.readFileSync(path.join(bundle, 'config.json'), 'utf8'),
  );
  spec.process.terminal = false;
  spec.process.args = ['/bin/true'];
  spec.root = { path: rootfs, readonly: false };
  fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec));

  // The exec form runs /bin/true itself, as the bare run does; the shell
  // form runs it through /bin/sh -c.
  const execPlan = planBuild('FROM busybox:1.36\nRUN ["/bin/true"]\n', {});
  const shellPlan = planBuild('FROM busybox:1.36\nRUN /bin/true\n', {});
  const runs: Record<string, () => Promise<number>> = {
    bare: async () => {
      const started = performance.now();
      const code = await runtime.run(
        bundle,
        `slipway-bench-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
        () => {},
      );
      if (code !== 0) throw new Error(`bare crun exited ${code}`);
      return performance.now() - started;
    },
    step: () => timeRunStep(execPlan, work, home),
    shellStep: () => timeRunStep(shellPlan, work, home),
    build: async () => {
      const started = performance.now();
      await timeRunStep(execPlan, work, home);
      return performance.now() - started;
    },
  };
  const samples: Record<string, number[]> = {};
  const names = Object.keys(runs);
  for (let i = 0; i < STEP_RUNS + 1; i++) {
    // A run can leave kernel work behind (namespace and cgroup teardown)
    // that slows the next one: each round runs the kinds in a new random
    // order, so none always follows the same other.
    for (const name of shuffled(names)) {
      const ms = await (runs[name] as () => Promise<number>)();
      // The first round warms caches and the page cache; it is not counted.
      if (i > 0) (samples[name] ??= []).push(ms);
    }
  }
  if (process.env.BENCH_SAMPLES === '1') {
    for (const name of names) {
      const sorted = [...(samples[name] ?? [])].sort((a, b) => a - b);
      console.log(`${name}: ${sorted.map((x) => x.toFixed(1)).join(' ')}`);
    }
  }
  const [bare, steps, shellSteps, builds] = names.map(
    (name) => samples[name] ?? [],
  ) as [number[], number[], number[], number[]];
  return {
    bare: median(bare),
    step: median(steps),
    shellStep: median(shellSteps),
    build: median(builds),
  };
}

/**
 * Builds a FROM + RUN plan without the cache and returns the RUN step's time
 * from its start event to its done event, taken when each event arrives
 * (the events' own times are whole milliseconds).
 */
async function timeRunStep(
  plan: ReturnType<typeof planBuild>,
  work: string,
  home: string,
): Promise<number> {
  const events: (ProgressEvent & { at: number })[] = [];
  const result = await runBuild(plan, {
    contextDir: work,
    home,
    noCache: true,
    onEvent: (e) => events.push({ ...e, at: performance.now() }),
  });
  if (!result.ok) throw new Error(result.error);
  const start = events.find(
    (e) => e.kind === 'vertex-start' && e.name.includes('RUN'),
  );
  const done = events.find(
    (e) => e.kind === 'vertex-done' && e.vertex === start?.vertex,
  );
  if (!start || !done) throw new Error('the RUN step did not run');
  return done.at - start.at;
}

/** The context folder, a busybox tar for docker, and Slipway's image cache warm. */
async function prepareContext(
  work: string,
  rootfs: string,
  home: string,
): Promise<PeerContext> {
  const context = path.join(work, 'context');
  fs.mkdirSync(context);
  fs.writeFileSync(path.join(context, 'Dockerfile'), DOCKERFILE);
  fs.writeFileSync(path.join(context, 'hello.txt'), 'hello\n');
  const busyboxTar = path.join(work, 'busybox.tar');
  const plan = planBuild('FROM busybox:1.36\n', {
    outputs: [`type=docker,dest=${busyboxTar},name=localhost/busybox:latest`],
  });
  const result = await runBuild(plan, {
    contextDir: work,
    home,
    onEvent: () => {},
  });
  if (!result.ok) throw new Error(result.error);
  return { repo: REPO, work, context, rootfs, busyboxTar, slipwayHome: home };
}

/** Cold builds of every peer in turn, then warm ones. */
async function benchBuilds(peers: Peer[]) {
  const cold = new Map<string, number[]>();
  const warm = new Map<string, number[]>();
  for (const peer of peers) await peer.build(false);
  for (const [mode, samples] of [
    ['cold', cold],
    ['warm', warm],
  ] as const) {
    for (let i = 0; i < BUILD_RUNS; i++) {
      for (const peer of peers) {
        const started = performance.now();
        await peer.build(mode === 'cold');
        const list = samples.get(peer.name) ?? [];
        list.push(performance.now() - started);
        samples.set(peer.name, list);
      }
    }
  }
  const medians = (m: Map<string, number[]>) =>
    new Map([...m].map(([name, list]) => [name, median(list)]));
  return { cold: medians(cold), warm: medians(warm) };
}

function report(
  step: { bare: number; step: number; shellStep: number; build: number },
  builds: { cold: Map<string, number>; warm: Map<string, number> },
) {
  const rows: string[][] = [
    ['bare `crun run` of /bin/true', ms(step.bare), '1.00x', ''],
    [
      'Slipway RUN ["/bin/true"] (the step)',
      ms(step.step),
      ratio(step.step, step.bare),
      verdict(step.step / step.bare <= 1.3, '≤ 1.3x crun'),
    ],
    [
      'Slipway RUN /bin/true (sh -c, the step)',
      ms(step.shellStep),
      ratio(step.shellStep, step.bare),
      '',
    ],
    [
      'Slipway build of FROM + RUN [...], in process',
      ms(step.build),
      ratio(step.build, step.bare),
      '',
    ],
  ];
  const kit = 'BuildKit (Docker 20.10 API)';
  for (const mode of ['cold', 'warm'] as const) {
    const reference = builds[mode].get(kit);
    for (const [name, value] of builds[mode]) {
      let target = '';
      if (reference !== undefined && name.startsWith('Slipway')) {
        target =
          mode === 'cold'
            ? verdict(value < reference, '< 1x BuildKit')
            : verdict(value <= reference * 0.5, '≤ 0.5x BuildKit');
      }
      rows.push([
        `${mode}: ${name}`,
        ms(value),
        reference === undefined ? '' : `${ratio(value, reference)} BuildKit`,
        target,
      ]);
    }
  }
  const header = ['what', 'median', 'ratio', 'target'];
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

async function unpackBusybox(work: string): Promise<string> {
  const store = new OciImageStore(slipwayPaths().images);
  const image = await store.resolve('busybox:1.36', 'linux/amd64');
  const rootfs = path.join(work, 'rootfs');
  fs.mkdirSync(rootfs);
  await store.unpack(image, { key: 'bench', handle: rootfs });
  return rootfs;
}

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function ratio(value: number, reference: number): string {
  return `${(value / reference).toFixed(2)}x`;
}

function verdict(met: boolean, target: string): string {
  return `${target}: ${met ? 'met' : 'missed'}`;
}

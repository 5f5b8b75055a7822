// `npm run bench:browser`: the v86 runner in headless Chromium: cold boot and
// restore to the first RUN output, a trivial RUN (natively and under QEMU
// for amd64, arm64 and arm/v7), laying a busybox root into 9p. Not part of
// `npm test`; figures and verdicts are printed as browser logs.

import { expect } from '@esm-bundle/chai';
import * as Comlink from 'comlink';
import { clear, createStore } from 'idb-keyval';
import type { BuildPlan } from '../../core/src/index.ts';
import {
  createV86Client,
  defaultV86Config,
  type V86Client,
} from '../../web/src/v86/v86-client.ts';
import type { BuildUpdate } from '../../web/src/worker/v86-protocol.ts';
import { fetchExample, planExample } from '../../web/test/helpers.ts';

const CONFIG = {
  guestUrl: '/public/guest/',
  imagesUrl: '/public/images/',
  stateDatabase: 'slipway-guest-bench',
  imageDatabase: 'slipway-images-bench',
};
const TRIVIAL_RUNS = 10;
/** Platforms whose RUN steps the guest runs under QEMU user mode. */
const EMULATED = ['linux/amd64', 'linux/arm64', 'linux/arm/v7'];

async function plan386(dockerfile: string, allow = ''): Promise<BuildPlan> {
  return planFor(dockerfile, 'linux/386', allow);
}

async function planFor(
  dockerfile: string,
  platforms: string,
  allow = '',
): Promise<BuildPlan> {
  const base = await fetchExample('cdi-env');
  const { plan } = await planExample(
    { ...base, dockerfile },
    { platforms, allow },
  );
  expect(plan?.ok, JSON.stringify(plan?.diagnostics)).to.equal(true);
  return plan!;
}

/** Builds and returns ms to the first output and each vertex's duration. */
async function timedBuild(client: V86Client, plan: BuildPlan) {
  const started = performance.now();
  let firstOutput: number | undefined;
  const starts = new Map<string, number>();
  const durations: { name: string; ms: number }[] = [];
  const timeline: string[] = [];
  const at = () => Math.round(performance.now() - started);
  const report = await client.api.build(
    plan,
    Comlink.proxy((update: BuildUpdate) => {
      if (update.kind === 'guest') {
        const r = update.report;
        timeline.push(
          `${at()} guest ${r.mode} (${Math.round(r.ms)} ms: ${JSON.stringify(r.phases, (_, v) => (typeof v === 'number' ? Math.round(v) : v))})`,
        );
      }
      if (update.kind !== 'progress') return;
      const e = update.event;
      if (e.kind !== 'vertex-log') {
        const name = e.kind === 'vertex-start' ? e.name : e.vertex.slice(0, 12);
        timeline.push(`${at()} ${e.kind} ${name}`);
      }
      if (e.kind === 'vertex-log') firstOutput ??= performance.now() - started;
      if (e.kind === 'vertex-start') starts.set(e.vertex, e.time);
      if (e.kind === 'vertex-done' && starts.has(e.vertex)) {
        const name = plan.vertices[e.vertex]?.name ?? e.vertex;
        durations.push({ name, ms: e.time - starts.get(e.vertex)! });
      }
    }),
    { noCache: true },
  );
  expect(report.ok, report.error).to.equal(true);
  return { firstOutput: firstOutput ?? NaN, durations, timeline };
}

/**
 * Times five `RUN true` steps on an emulated platform: the first (QEMU
 * fetched and registered) and the median of the other four.
 */
async function timeEmulated(
  client: V86Client,
  platform: string,
): Promise<[number, number]> {
  const plan = await planFor(
    `FROM busybox:1.36\n${Array.from({ length: 5 }, (_, i) => `RUN true # ${i}`).join('\n')}\n`,
    platform,
  );
  const runs = (await timedBuild(client, plan)).durations.filter((d) =>
    d.name.includes('RUN true'),
  );
  return [
    Math.round(runs[0]!.ms),
    Math.round(median(runs.slice(1).map((r) => r.ms))),
  ];
}

function verdict(what: string, ms: number, limit: number): string {
  const met = ms < limit ? 'met' : 'MISSED';
  return `${what}: ${Math.round(ms)} ms (target < ${limit} ms: ${met})`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('v86 runner measurements', function () {
  this.timeout(300000);

  it('measures cold boot, restore, trivial RUN and 9p layout', async () => {
    await clear(createStore(CONFIG.stateDatabase, 'states'));
    const cdi = await plan386(
      (await fetchExample('cdi-env')).dockerfile,
      'device',
    );
    const figures: Record<string, number | string> = {};

    const cold = createV86Client(CONFIG);
    await cold.api.configure({ ...defaultV86Config(), ...CONFIG });
    const coldRun = await timedBuild(cold, cdi);
    figures['cold boot to first RUN output, worker loaded (ms)'] = Math.round(
      coldRun.firstOutput,
    );

    const trivial = await plan386(
      `FROM busybox:1.36\n${Array.from({ length: TRIVIAL_RUNS }, (_, i) => `RUN true # ${i}`).join('\n')}\n`,
    );
    const runs = (await timedBuild(cold, trivial)).durations.filter((d) =>
      d.name.includes('RUN true'),
    );
    figures['trivial RUN, median of 10 (ms)'] = Math.round(
      median(runs.map((r) => r.ms)),
    );
    figures['trivial RUN, min (ms)'] = Math.round(
      Math.min(...runs.map((r) => r.ms)),
    );

    for (const platform of EMULATED) {
      const [first, others] = await timeEmulated(cold, platform);
      figures[`first ${platform} RUN, QEMU loaded and registered (ms)`] = first;
      figures[`trivial ${platform} RUN under QEMU, median of 4 (ms)`] = others;
    }

    const execs = [];
    for (let i = 0; i < 5; i++) {
      execs.push(
        await cold.api.exec({ image: 'busybox:1.36', args: ['true'] }),
      );
    }
    figures['lay busybox root in 9p, median (ms)'] = Math.round(
      median(execs.map((e) => e.timings.layMs)),
    );
    figures['guest round trip of `true`, median (ms)'] = Math.round(
      median(execs.map((e) => e.timings.runMs)),
    );
    figures['guest instructions of `true`, median (millions)'] =
      Math.round(median(execs.map((e) => e.instructions)) / 1e5) / 10;
    figures['read root back from 9p, median (ms)'] = Math.round(
      median(execs.map((e) => e.timings.readMs)),
    );
    cold.dispose();

    // A page starts its worker before the first Build; measure from there.
    const warm = createV86Client(CONFIG);
    await warm.api.configure({ ...defaultV86Config(), ...CONFIG });
    const restoreRun = await timedBuild(warm, cdi);
    const started = await warm.api.start();
    expect(started.mode).to.equal('restored');
    figures['restore to first RUN output, worker loaded (ms)'] = Math.round(
      restoreRun.firstOutput,
    );
    figures['restore of the guest alone (ms)'] = Math.round(started.ms);
    figures['restore phases (ms)'] = JSON.stringify(started.phases, (_, v) =>
      typeof v === 'number' ? Math.round(v) : v,
    );
    figures['stored state, gzip (bytes)'] = started.stateBytes ?? 'none';
    figures['restore timeline'] = restoreRun.timeline.join(' | ');
    figures['cold timeline'] = coldRun.timeline.join(' | ');
    warm.dispose();

    console.log(`v86 measurements\n${JSON.stringify(figures, null, 2)}`);
    console.log(
      [
        verdict('cold boot to first output', coldRun.firstOutput, 6000),
        verdict('restore to first output', restoreRun.firstOutput, 1000),
        verdict('trivial RUN, median', median(runs.map((r) => r.ms)), 150),
      ].join('\n'),
    );
  });
});

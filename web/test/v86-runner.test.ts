// Runs builds in the real v86 guest inside Chromium: boots it (or restores
// the stored state), runs the CDI example and reads files a RUN wrote.

import { expect } from '@esm-bundle/chai';
import * as Comlink from 'comlink';
import type { BuildPlan, ProgressEvent } from '../../core/src/index.ts';
import { createV86Client, type V86Client } from '../src/v86/v86-client.ts';
import type { BuildUpdate } from '../src/worker/v86-protocol.ts';
import { fetchExample, planExample } from './helpers.ts';

const CONFIG = {
  guestUrl: '/public/guest/',
  imagesUrl: '/public/images/',
  stateDatabase: 'slipway-guest-test',
  imageDatabase: 'slipway-images-test',
};

/** Plans a Dockerfile for linux/386 through the real planner worker. */
async function plan386(
  dockerfile: string,
  allow = '',
  example = 'cdi-env',
): Promise<BuildPlan> {
  const base = await fetchExample(example);
  const { plan, failure } = await planExample(
    { ...base, dockerfile },
    { platforms: 'linux/386', allow },
  );
  if (!plan) throw new Error(failure ?? 'no plan');
  expect(plan.ok, JSON.stringify(plan.diagnostics)).to.equal(true);
  return plan;
}

/** Builds in the worker and gathers the progress events and notes. */
async function build(client: V86Client, plan: BuildPlan) {
  const events: ProgressEvent[] = [];
  const updates: BuildUpdate[] = [];
  const report = await client.api.build(
    plan,
    Comlink.proxy((update: BuildUpdate) => {
      updates.push(update);
      if (update.kind === 'progress') events.push(update.event);
    }),
    { noCache: true },
  );
  const log = events
    .filter((e) => e.kind === 'vertex-log')
    .map((e) => (e.kind === 'vertex-log' ? e.data : ''))
    .join('');
  return { report, events, updates, log };
}

describe('v86 runner', function () {
  // Booting the guest takes seconds in headless Chromium.
  this.timeout(90000);
  let client: V86Client;

  before(() => {
    client = createV86Client(CONFIG);
  });
  after(() => client.dispose());

  it('runs the CDI example and prints FOO=injected', async () => {
    const example = await fetchExample('cdi-env');
    const plan = await plan386(example.dockerfile, 'device');
    const { report, log, updates } = await build(client, plan);
    expect(report.ok, report.error).to.equal(true);
    expect(log).to.contain('FOO=injected');
    const guest = updates.find((u) => u.kind === 'guest');
    expect(guest, 'the guest was started for the RUN').to.not.equal(undefined);
  });

  it('keeps a file written by a RUN in the result', async () => {
    const plan = await plan386(
      'FROM busybox:1.36\nRUN echo built-in-v86 > /hello.txt && uname -m > /arch\n',
    );
    const { report } = await build(client, plan);
    expect(report.ok, report.error).to.equal(true);
    const files = report.targets[0]!.files.map((f) => f.path);
    expect(files).to.include('/hello.txt');
    expect(files).to.include('/bin/busybox');
    const read = (path: string) =>
      client.api
        .readFile('linux/386', path)
        .then((bytes) => new TextDecoder().decode(bytes));
    expect(await read('/hello.txt')).to.equal('built-in-v86\n');
    expect(await read('/arch')).to.equal('i686\n');
    const changed = Object.values(report.changes)
      .flat()
      .map((c) => c.path);
    expect(changed).to.include.members(['/hello.txt', '/arch']);
  });

  it('runs a stage step by step with WORKDIR, USER, COPY and a cache mount', async () => {
    const plan = await plan386(
      [
        '# syntax=docker/dockerfile:1',
        'FROM busybox:1.36 AS base',
        'RUN echo one > /a',
        'FROM base',
        'WORKDIR /work',
        'RUN cat /a > b && echo two >> b && pwd > where',
        'RUN --mount=type=cache,target=/cache echo hit >> /cache/log',
        'RUN --mount=type=cache,target=/cache cat /cache/log > /seen',
        'COPY --from=base /a /copied',
        'USER nobody',
        'RUN id -u > /tmp/uid',
        '',
      ].join('\n'),
    );
    const { report } = await build(client, plan);
    expect(report.ok, report.error).to.equal(true);
    const read = async (path: string) =>
      new TextDecoder().decode(await client.api.readFile('linux/386', path));
    expect(await read('/work/b')).to.equal('one\ntwo\n');
    expect(await read('/work/where')).to.equal('/work\n');
    expect(await read('/seen')).to.equal('hit\n');
    expect(await read('/copied')).to.equal('one\n');
    expect(await read('/tmp/uid')).to.equal('65534\n');
    const files = report.targets[0]!.files.map((f) => f.path);
    expect(files, 'a cache mount stays out of the result').to.not.include(
      '/cache/log',
    );
  });

  it('runs linux/amd64 steps under QEMU user mode in the guest', async () => {
    const base = await fetchExample('cdi-env');
    const { plan } = await planExample(
      { ...base, dockerfile: 'FROM busybox:1.36\nRUN uname -m > /arch\n' },
      { platforms: 'linux/amd64' },
    );
    const { report } = await build(client, plan!);
    expect(report.ok, report.error).to.equal(true);
    const arch = await client.api.readFile('linux/amd64', '/arch');
    expect(new TextDecoder().decode(arch)).to.equal('x86_64\n');
  });

  it('reports a failing RUN with its exit code', async () => {
    const plan = await plan386(
      'FROM busybox:1.36\nRUN echo oops >&2; exit 3\n',
    );
    const { report, log } = await build(client, plan);
    expect(report.ok).to.equal(false);
    expect(report.error).to.contain(
      'did not complete successfully: exit code: 3',
    );
    expect(log).to.contain('oops');
  });

  it('restores the stored state in a new worker and runs a command', async () => {
    const second = createV86Client(CONFIG);
    try {
      const started = await second.api.start();
      expect(started.mode).to.equal('restored');
      const result = await second.api.exec({
        image: 'busybox:1.36',
        args: ['/bin/sh', '-c', 'echo again; id -u'],
      });
      expect(result.exitCode).to.equal(0);
      expect(result.stdout).to.equal('again\n0\n');
    } finally {
      second.dispose();
    }
  });
});

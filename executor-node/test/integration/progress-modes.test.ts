// `slipway build --progress=rawjson|tty|auto` through the real CLI: BuildKit's
// SolveStatus JSON lines, the live view's frames, plain when not a terminal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { runCli, skipBuilds } from './cli-helpers.ts';
import { tempDir, testHome } from './harness.ts';

const skip = await skipBuilds();

function context(): string {
  const dir = tempDir('ctx-');
  fs.writeFileSync(
    path.join(dir, 'Dockerfile'),
    [
      'FROM busybox:1.36',
      'RUN for i in 1 2 3; do echo tick $i; sleep 0.3; done',
      'RUN echo héllo',
      '',
    ].join('\n'),
  );
  return dir;
}

interface Status {
  vertexes?: {
    digest: string;
    inputs?: string[];
    name?: string;
    started?: string;
    completed?: string;
    cached?: boolean;
  }[];
  logs?: { vertex: string; stream: number; data: string; timestamp: string }[];
}

test(
  '--progress=rawjson prints one SolveStatus object per line',
  { skip },
  async () => {
    const env = { SLIPWAY_HOME: testHome() };
    const dir = context();
    const run = await runCli(['build', '--progress=rawjson', dir], { env });
    assert.equal(run.status, 0, run.stderr);
    const updates = run.stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Status);
    const vertexes = updates.flatMap((u) => u.vertexes ?? []);
    const logs = updates.flatMap((u) => u.logs ?? []);
    const step = vertexes.find(
      (v) => v.name === '[3/3] RUN echo héllo' && v.completed,
    );
    assert.ok(step, 'the last step completes');
    assert.match(step.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(step.inputs?.length, 1);
    assert.ok(
      Date.parse(step.completed ?? '') >= Date.parse(step.started ?? ''),
    );
    const text = logs
      .filter((l) => l.vertex === step.digest)
      .map((l) => Buffer.from(l.data, 'base64').toString('utf8'))
      .join('');
    assert.equal(text, 'héllo\n');
    assert.ok(logs.every((l) => l.stream === 1 || l.stream === 2));

    const again = await runCli(['build', '--progress=rawjson', dir], { env });
    const cached = again.stderr
      .trim()
      .split('\n')
      .flatMap((line) => (JSON.parse(line) as Status).vertexes ?? [])
      .filter((v) => v.cached);
    assert.equal(cached.length, 3, 'FROM and both RUN steps are CACHED');
  },
);

test(
  '--progress=tty redraws step lines with timers and ends FINISHED',
  { skip },
  async () => {
    const env = { SLIPWAY_HOME: testHome() };
    const run = await runCli(['build', '--progress=tty', context()], { env });
    assert.equal(run.status, 0, run.stderr);
    // eslint-disable-next-line no-control-regex
    const text = run.stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    assert.match(run.stderr, /\x1b\[2K/, 'earlier frames are erased');
    assert.match(text, /\[\+\] Building \d+\.\ds \(\d+\/\d+\) FINISHED/);
    assert.match(text, / => \[2\/3\] RUN for i in 1 2 3.* \d+\.\ds\n/);
    assert.match(text, / => => # tick 1/, 'output rows of the running step');
    const frames = text.split('[+] Building').length - 1;
    assert.ok(frames > 3, `the view is redrawn (${frames} frames)`);
  },
);

test(
  '--progress=auto is plain when stderr is not a terminal',
  { skip },
  async () => {
    const env = { SLIPWAY_HOME: testHome() };
    const run = await runCli(['build', context()], { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /^#1 \[internal\] load build definition from Dockerfile\n#1 transferring dockerfile: \d+B done\n#1 DONE \d+\.\ds\n\n#2 \[internal\] load metadata/m,
    );
    assert.match(run.stderr, /#\d+ DONE \d+\.\ds/);
  },
);

// `npm run bench:parse`: parse and plan throughput of Slipway against the
// parse alone of dockerfile-ast and docker-file-parser, on one corpus in
// one run, and the time to re-plan a 300-line Dockerfile after an edit.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import dockerFileParser from 'docker-file-parser';
import { DockerfileParser } from 'dockerfile-ast';

import { loadBundledCore } from './core-bundle.ts';
import type { CorpusFile } from './corpus.ts';
import { loadCorpus } from './corpus.ts';
import { generateDockerfile } from './generate.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 1500);
const REPLAN_RUNS = Number(process.env.BENCH_REPLAN_RUNS ?? 500);

const TARGET_VS_AST = 5;
const TARGET_VS_PARSER = 2;
const TARGET_REPLAN_MS = 2;

interface Throughput {
  name: string;
  mbPerSecond: number;
  filesPerSecond: number;
  /** Files the parser threw on (counted once, in the first pass). */
  failures: number;
}

const { createPlanner, parseDockerfile, planBuild } =
  await loadBundledCore(REPO);

main();

function main() {
  const corpus = loadCorpus(REPO);
  printCorpus(corpus);

  const results = measureAll(corpus, [
    ['slipway parse', (text) => parseDockerfile(text)],
    ['slipway parse + plan', (text) => planBuild(text)],
    [
      `dockerfile-ast ${version('dockerfile-ast')} parse`,
      (text) => DockerfileParser.parse(text).getInstructions(),
    ],
    [
      `docker-file-parser ${version('docker-file-parser')} parse`,
      (text) => dockerFileParser.parse(text, { includeComments: false }),
    ],
  ]);
  printThroughput(results);

  const [, slipway, ast, parser] = results;
  const lines = [
    ratioLine('dockerfile-ast parse', slipway, ast, TARGET_VS_AST),
    ratioLine('docker-file-parser parse', slipway, parser, TARGET_VS_PARSER),
    replanLine(),
  ];
  console.log(lines.join('\n'));
}

interface Contender {
  name: string;
  parse: (text: string) => unknown;
  /** Microseconds of CPU time spent, and passes made. */
  micros: number;
  passes: number;
  failures: number;
}

// Every contender makes one pass over the corpus per round, in turn, so a
// busy machine slows them alike; CPU time (not wall time) is what counts.
function measureAll(
  corpus: CorpusFile[],
  entries: [string, (text: string) => unknown][],
): Throughput[] {
  const contenders: Contender[] = entries.map(([name, parse]) => ({
    name,
    parse,
    micros: 0,
    passes: 0,
    failures: 0,
  }));
  const pass = (c: Contender, count: boolean) => {
    for (const file of corpus) {
      try {
        c.parse(file.text);
      } catch {
        if (count) c.failures++;
      }
    }
  };
  for (const c of contenders) {
    pass(c, true);
    pass(c, false);
  }

  const start = performance.now();
  while (performance.now() - start < MIN_MS * contenders.length) {
    for (const c of contenders) {
      const before = process.cpuUsage();
      pass(c, false);
      const used = process.cpuUsage(before);
      c.micros += used.user + used.system;
      c.passes++;
    }
  }

  const bytes = corpus.reduce((sum, f) => sum + f.bytes, 0);
  return contenders.map((c) => {
    const seconds = c.micros / 1e6;
    return {
      name: c.name,
      mbPerSecond: (bytes * c.passes) / 1e6 / seconds,
      filesPerSecond: (corpus.length * c.passes) / seconds,
      failures: c.failures,
    };
  });
}

// Re-plans after each simulated keystroke, so no two runs plan the same text,
// with the planner the playground keeps between keystrokes.
function replanLine(): string {
  const planner = createPlanner();
  const base = generateDockerfile(300, 7);
  const lineCount = base.split('\n').length - 1;
  const times: number[] = [];
  for (let i = 0; i < REPLAN_RUNS + 50; i++) {
    const text = base.replace('go mod download -x', `go mod download -x${i}`);
    const before = process.cpuUsage();
    planner.plan(text);
    const used = process.cpuUsage(before);
    if (i >= 50) times.push((used.user + used.system) / 1000);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const p90 = times[Math.floor(times.length * 0.9)];
  const verdict = median < TARGET_REPLAN_MS ? 'met' : 'MISSED';
  return (
    `re-plan of a ${lineCount}-line Dockerfile after an edit (${REPLAN_RUNS} runs): ` +
    `median ${median.toFixed(2)} ms, p90 ${p90.toFixed(2)} ms ` +
    `(target < ${TARGET_REPLAN_MS} ms: ${verdict})`
  );
}

function ratioLine(
  other: string,
  slipway: Throughput,
  them: Throughput,
  target: number,
): string {
  const ratio = slipway.mbPerSecond / them.mbPerSecond;
  const verdict = ratio >= target ? 'met' : 'MISSED';
  return (
    `slipway parse + plan vs ${other}: ${ratio.toFixed(2)}x ` +
    `(target ${target}x: ${verdict})`
  );
}

function printCorpus(corpus: CorpusFile[]) {
  const groups = new Map<
    string,
    { files: number; bytes: number; lines: number }
  >();
  for (const file of corpus) {
    const group = groups.get(file.group) ?? { files: 0, bytes: 0, lines: 0 };
    group.files++;
    group.bytes += file.bytes;
    group.lines += file.text.split('\n').length;
    groups.set(file.group, group);
  }
  const total = corpus.reduce((sum, f) => sum + f.bytes, 0);
  console.log(
    `corpus: ${corpus.length} Dockerfiles, ${(total / 1e6).toFixed(3)} MB`,
  );
  for (const [name, g] of groups) {
    console.log(
      `  ${name.padEnd(14)} ${String(g.files).padStart(4)} files ` +
        `${String(g.lines).padStart(7)} lines ${String(g.bytes).padStart(9)} bytes`,
    );
  }
  console.log(`node ${process.version}, ${process.arch}\n`);
}

function printThroughput(results: Throughput[]) {
  const width = Math.max(...results.map((r) => r.name.length));
  console.log(`${'parser'.padEnd(width)}      MB/s    files/s  threw on`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(width)} ${r.mbPerSecond.toFixed(2).padStart(9)} ` +
        `${r.filesPerSecond.toFixed(0).padStart(10)} ${String(r.failures).padStart(9)}`,
    );
  }
  console.log('');
}

function version(pkg: string): string {
  const require = createRequire(import.meta.url);
  const file = require.resolve(`${pkg}/package.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string })
    .version;
}

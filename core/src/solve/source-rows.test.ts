// The progress rows of ADD's remote sources through a whole solve: a row
// per URL or repository named like the step, ended (DONE, CACHED or ERROR)
// before the step's own row, with in-memory backends and a remote held in a map.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ProgressEvent } from '../model/progress.ts';
import { isHttpSource } from '../plan/git-ref.ts';
import { planBuild } from '../plan/plan-build.ts';
import { renderPlainProgress } from '../progress/plain-renderer.ts';
import { createSolveStatusWriter } from '../progress/solve-status.ts';
import type {
  ActiveSnapshot,
  CacheRecord,
  ContextSource,
  CopyRequest,
  SolveBackends,
  SourceFetchReporter,
} from './backends.ts';
import { solveBuild } from './solve-build.ts';
import { sourceRowsOf } from './source-rows.ts';

/** A remote in memory: URL to body; `held` lists bodies fetched by earlier builds. */
class MemoryRemote implements ContextSource {
  readonly bodies = new Map<string, string>();
  readonly held = new Map<string, string>();
  fetched: string[] = [];

  async digest(request: CopyRequest, sources?: SourceFetchReporter) {
    const parts: string[] = [];
    for (const [index, source] of request.sources.entries()) {
      if (!isHttpSource(source)) {
        parts.push(`local:${source}`);
        continue;
      }
      const work = async () => this.download(source);
      parts.push(await (sources ? sources.fetch(index, work) : work()));
    }
    return parts.join('\n');
  }

  async fetch(request: CopyRequest, sources: SourceFetchReporter) {
    for (const [index, source] of request.sources.entries()) {
      if (!isHttpSource(source)) continue;
      await sources.fetch(index, async (log) => {
        log(2, `fetched ${source}\n`);
        if (this.fetched.includes(source)) return;
        sources.cached(index);
      });
    }
  }

  async copy(): Promise<void> {}

  private download(url: string): string {
    const body = this.bodies.get(url);
    if (body === undefined) throw new Error('invalid response status 404');
    if (this.held.get(url) !== body) this.fetched.push(url);
    this.held.set(url, body);
    return body;
  }
}

function backendsWith(context: MemoryRemote): SolveBackends {
  const committed = new Set<string>();
  const records = new Map<string, CacheRecord>();
  return {
    images: {
      resolve: () => Promise.reject(new Error('no images here')),
      unpack: async () => {},
    },
    snapshots: {
      has: async (key) => committed.has(key),
      prepare: async (key) => ({ key, handle: key }),
      commit: async (active: ActiveSnapshot) => {
        committed.add(active.key);
      },
      abort: async () => {},
      mkdir: async () => {},
      copy: async () => {},
      locate: (key) => key,
    },
    runner: {
      run: () => Promise.reject(new Error('no runs here')),
    },
    context,
    exporter: {
      describe: () => 'exporting to client directory',
      export: async () => {},
    },
    cache: {
      get: async (key) => records.get(key),
      put: async (record) => {
        records.set(record.key, record);
      },
    },
  };
}

/** Builds one Dockerfile and returns its plain progress, clocked in 0.1 s ticks. */
async function build(
  dockerfile: string,
  context: MemoryRemote,
  backends: SolveBackends,
  noCache = false,
) {
  const events: ProgressEvent[] = [];
  let tick = 0;
  context.fetched = [];
  const result = await solveBuild(planBuild(dockerfile), backends, {
    onEvent: (event) => events.push(event),
    now: () => 100 * tick++,
    noCache,
  });
  return { result, events, plain: renderPlainProgress(events) };
}

const URL_A = 'http://example.test/a.txt';
const URL_B = 'http://example.test/b.txt';
const STEP = `[1/1] ADD ${URL_A} /a.txt`;

test('a first build shows the fetch as its own row before the step', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  const { result, events, plain } = await build(
    `FROM scratch\nADD ${URL_A} /a.txt\n`,
    remote,
    backendsWith(remote),
  );
  assert.equal(result.error, undefined);
  assert.equal(
    plain,
    [
      `#1 ${STEP}`,
      '#1 0.100 fetched http://example.test/a.txt',
      '#1 DONE 0.2s',
      '',
      `#2 ${STEP}`,
      '#2 DONE 0.1s',
      '',
    ].join('\n'),
  );
  const kinds = events.map((e) => `${e.kind} ${e.vertex.split(':')[0]}`);
  assert.deepEqual(kinds.slice(0, 3), [
    'vertex-start source',
    'vertex-log source',
    'vertex-done source',
  ]);
});

test('a rebuild resolves the URL again (DONE) and reuses the step (CACHED)', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  const backends = backendsWith(remote);
  const dockerfile = `FROM scratch\nADD ${URL_A} /a.txt\n`;
  await build(dockerfile, remote, backends);
  const { plain } = await build(dockerfile, remote, backends);
  assert.match(plain, /^#1 \[1\/1\] ADD [^\n]+\n#1 DONE 0\.1s\n\n#2 /);
  assert.match(plain, /\n#2 \[1\/1\] ADD [^\n]+\n#2 CACHED\n/);
});

test('a new step over a body fetched before shows the source CACHED', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  const backends = backendsWith(remote);
  await build(`FROM scratch\nADD ${URL_A} /a.txt\n`, remote, backends);
  const changed = `FROM scratch\nADD --chmod=644 ${URL_A} /a.txt\n`;
  const { plain } = await build(changed, remote, backends);
  const name = `[1/1] ADD --chmod=644 ${URL_A} /a.txt`;
  assert.ok(
    plain.startsWith(
      `#1 ${name}\n#1 0.100 fetched ${URL_A}\n#1 CACHED\n\n#2 ${name}\n#2 DONE`,
    ),
    plain,
  );

  const uncached = await build(changed, remote, backends, true);
  assert.match(uncached.plain, /^#1 [^\n]+\n#1 [^\n]+\n#1 DONE 0\.2s\n/);
});

test('a new body is fetched again: the source row is DONE', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  const backends = backendsWith(remote);
  const dockerfile = `FROM scratch\nADD ${URL_A} /a.txt\n`;
  await build(dockerfile, remote, backends);
  remote.bodies.set(URL_A, 'two');
  const { plain } = await build(dockerfile, remote, backends);
  assert.match(
    plain,
    /^#1 [^\n]+\n#1 [^\n]+\n#1 DONE 0\.2s\n\n#2 [^\n]+\n#2 DONE/,
  );
});

test('a failed fetch ends its row with the error; the step never starts', async () => {
  const remote = new MemoryRemote();
  const { result, events, plain } = await build(
    `FROM scratch\nADD ${URL_A} /a.txt\n`,
    remote,
    backendsWith(remote),
  );
  assert.equal(result.error, 'failed to solve: invalid response status 404');
  assert.equal(plain, `#1 ${STEP}\n#1 ERROR: invalid response status 404\n`);
  assert.equal(
    events.filter((e) => e.kind === 'vertex-start').length,
    1,
    'only the source row starts',
  );
});

test('each URL of one ADD gets a row, numbered in the order they start', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  remote.bodies.set(URL_B, 'two');
  const { events, plain } = await build(
    `FROM scratch\nADD ${URL_A} ${URL_B} /d/\n`,
    remote,
    backendsWith(remote),
  );
  const name = `[1/1] ADD ${URL_A} ${URL_B} /d/`;
  assert.equal(
    plain,
    [
      `#1 ${name}`,
      '#1 ...',
      '',
      `#2 ${name}`,
      '#2 ...',
      '',
      `#1 ${name}`,
      `#1 0.200 fetched ${URL_A}`,
      '#1 DONE 0.3s',
      '',
      `#2 ${name}`,
      `#2 0.300 fetched ${URL_B}`,
      '#2 DONE 0.4s',
      '',
      `#3 ${name}`,
      '#3 DONE 0.1s',
      '',
    ].join('\n'),
  );
  const ends = events
    .filter((e) => e.kind === 'vertex-done')
    .map((e) => e.vertex.replace(/:sha256:.*/, ''));
  assert.deepEqual(ends.slice(0, 2), ['source:0', 'source:1']);
});

test('a context path beside a URL loads the context before the URL row', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  const { plain } = await build(
    `FROM scratch\nADD local.txt ${URL_A} /d/\n`,
    remote,
    backendsWith(remote),
  );
  const headers = plain
    .split('\n')
    .filter((row) => /^#\d+ [^0-9]/.test(row) && !/ (DONE|CACHED)/.test(row));
  assert.deepEqual(headers, [
    '#1 [internal] load .dockerignore',
    '#2 [internal] load build context',
    `#3 [1/1] ADD local.txt ${URL_A} /d/`,
    `#4 [1/1] ADD local.txt ${URL_A} /d/`,
  ]);
});

test('in rawjson the step reads its sources: their digests are its inputs', async () => {
  const remote = new MemoryRemote();
  remote.bodies.set(URL_A, 'one');
  const dockerfile = `FROM scratch\nADD ${URL_A} local.txt /d/\n`;
  const plan = planBuild(dockerfile);
  const step = Object.values(plan.vertices).find((v) => v.kind === 'copy');
  assert.deepEqual(sourceRowsOf(step), [`source:0:${step?.id}`]);

  const { events } = await build(dockerfile, remote, backendsWith(remote));
  const writer = createSolveStatusWriter((id) => [
    ...(plan.vertices[id]?.inputs ?? []),
    ...sourceRowsOf(plan.vertices[id]),
  ]);
  const vertexes = events.flatMap((e) => writer.write(e).vertexes ?? []);
  const named = vertexes.filter((v) => v.name === step?.name);
  const [source, copy] = [...new Set(named.map((v) => v.digest))];
  assert.ok(source && copy && source !== copy);
  const copyStart = named.find((v) => v.digest === copy);
  assert.deepEqual(copyStart?.inputs, [source]);
  assert.equal(named.find((v) => v.digest === source)?.inputs, undefined);
});

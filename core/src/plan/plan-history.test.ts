import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { HistoryRow } from '../model/plan.ts';
import { planBuild } from './plan-build.ts';
import { healthcheckText, runText } from './plan-history.ts';

function rows(text: string, buildArgs: Record<string, string> = {}) {
  const plan = planBuild(text, { buildArgs });
  const platform = plan.platforms[0]!;
  const stage = platform.stages.find((s) => s.index === platform.target);
  return (stage?.history ?? []).map((row: HistoryRow) => [
    row.createdBy,
    row.emptyLayer,
    row.vertex === undefined ? undefined : plan.vertices[row.vertex]?.kind,
  ]);
}

test('words each instruction as BuildKit does, in order', () => {
  const dockerfile = [
    'FROM busybox:1.36',
    'ARG GREETING=hello',
    'ARG EMPTY',
    'ENV APP_HOME=/srv/app MODE=${GREETING}',
    'LABEL org.example.title="demo app" version=1',
    'WORKDIR $APP_HOME',
    'RUN echo "$GREETING" > greeting.txt',
    'COPY --chmod=644 a.txt b.txt ./',
    'USER 1000:1000',
    'EXPOSE 8080 9000-9001/udp',
    'CMD ["cat", "greeting.txt"]',
    'ENTRYPOINT env',
    'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]',
    'VOLUME /data $APP_HOME/cache',
    'STOPSIGNAL SIGTERM',
    'HEALTHCHECK --interval=90s --retries=2 CMD wget -q localhost',
    'ONBUILD RUN echo later',
    'WORKDIR /',
  ].join('\n');
  assert.deepEqual(rows(dockerfile, { EMPTY: 'x' }), [
    ['ARG GREETING=hello', true, undefined],
    ['ARG EMPTY=x', true, undefined],
    ['ENV APP_HOME=/srv/app MODE=hello', true, undefined],
    ['LABEL org.example.title=demo app version=1', true, undefined],
    ['WORKDIR /srv/app', false, 'workdir'],
    [
      'RUN |2 GREETING=hello EMPTY=x /bin/sh -c echo "$GREETING" > greeting.txt # buildkit',
      false,
      'run',
    ],
    ['COPY --chmod=644 a.txt b.txt ./ # buildkit', false, 'copy'],
    ['USER 1000:1000', true, undefined],
    ['EXPOSE [8080/tcp 9000/udp 9001/udp]', true, undefined],
    ['CMD ["cat" "greeting.txt"]', true, undefined],
    ['ENTRYPOINT ["/bin/sh" "-c" "env"]', true, undefined],
    ['SHELL [/bin/ash -eo pipefail -c]', true, undefined],
    ['VOLUME [/data /srv/app/cache]', true, undefined],
    ['STOPSIGNAL SIGTERM', true, undefined],
    [
      'HEALTHCHECK {Test:[CMD-SHELL wget -q localhost] Interval:1m30s Timeout:0s StartPeriod:0s StartInterval:0s Retries:2}',
      true,
      undefined,
    ],
    ['WORKDIR /', true, undefined],
  ]);
});

test('a child stage keeps its base stage rows before its own', () => {
  const dockerfile = [
    'FROM busybox:1.36 AS base',
    'ENV A=1',
    'RUN true',
    'FROM base',
    'ARG B',
    'COPY --from=base --link /bin/true /x',
    'ADD --chown=1:2 <<EOF /y',
    'hi',
    'EOF',
  ].join('\n');
  assert.deepEqual(rows(dockerfile), [
    ['ENV A=1', true, undefined],
    ['RUN /bin/sh -c true # buildkit', false, 'run'],
    ['ARG B', true, undefined],
    ['COPY /bin/true /x # buildkit', false, 'copy'],
    ['ADD --chown=1:2 <<EOF /y # buildkit', false, 'copy'],
  ]);
});

test('ONBUILD triggers add their own rows; ONBUILD itself adds none', () => {
  const dockerfile = [
    'FROM busybox:1.36 AS parent',
    'ONBUILD ENV FROM_PARENT=1',
    'FROM parent',
    'RUN true',
  ].join('\n');
  assert.deepEqual(
    rows(dockerfile).map((r) => r[0]),
    ['ENV FROM_PARENT=1', 'RUN /bin/sh -c true # buildkit'],
  );
});

test('RUN shows an ENV value over the build arg it shadows', () => {
  const env: [string, string][] = [['V', 'from-env']];
  const args = [{ key: 'V', value: 'arg' }, { key: 'W' }, { key: 'V' }];
  assert.equal(runText(['a', 'b'], args, env), '|2 V=from-env W= a b');
  assert.equal(runText(['a'], [], []), 'a');
});

test('HEALTHCHECK NONE prints zero durations', () => {
  assert.equal(
    healthcheckText({ test: ['NONE'] }),
    '{Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s StartInterval:0s Retries:0}',
  );
});

// The frontend's part of secrets, SSH agents and remote ADD sources: what
// the planner fills in and which mistakes it reports before a build.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { BuildPlan, CopyVertex, RunVertex } from '../model/plan.ts';
import { planBuild } from './plan-build.ts';

function errors(p: BuildPlan): string[] {
  return p.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

function lastOf<T extends 'run' | 'copy'>(
  p: BuildPlan,
  kind: T,
): T extends 'run' ? RunVertex : CopyVertex {
  const ids = p.platforms[0]?.stages.at(-1)?.vertices ?? [];
  const found = ids
    .map((id) => p.vertices[id])
    .filter((v) => v?.kind === kind)
    .at(-1);
  assert.ok(found, `no ${kind} step`);
  return found as T extends 'run' ? RunVertex : CopyVertex;
}

test('RUN --mount=type=secret: id, default file and env-only secrets', () => {
  const p = planBuild(
    [
      'FROM alpine',
      'ENV WHO=me',
      'RUN --mount=type=secret,id=npmrc \\',
      '    --mount=type=secret,target=/root/.aws/credentials \\',
      '    --mount=type=secret,id=token,env=TOKEN \\',
      '    --mount=type=secret,source=key,target=/k,env=KEY,required \\',
      '    echo $TOKEN $KEY $WHO',
      '',
    ].join('\n'),
  );
  assert.deepEqual(errors(p), []);
  const run = lastOf(p, 'run');
  const shown = run.mounts.map((m) => [m.id, m.target, m.env, m.required]);
  assert.deepEqual(shown, [
    ['npmrc', '/run/secrets/npmrc', undefined, undefined],
    ['credentials', '/root/.aws/credentials', undefined, undefined],
    ['token', undefined, 'TOKEN', undefined],
    ['key', '/k', 'KEY', true],
  ]);
  // BuildKit shows secret env vars as **** in the step name.
  assert.match(run.name, /echo \*\*\*\* \*\*\*\* me$/);
  assert.ok(!run.env.some((e) => e.startsWith('TOKEN=')));
});

test('RUN --mount=type=ssh: agent sockets and SSH_AUTH_SOCK', () => {
  const p = planBuild(
    [
      'FROM alpine',
      'RUN --mount=type=ssh --mount=type=ssh,id=work,target=/agent \\',
      '    --mount=type=ssh,id=other ssh-add -l',
      '',
    ].join('\n'),
  );
  assert.deepEqual(errors(p), []);
  const run = lastOf(p, 'run');
  assert.deepEqual(
    run.mounts.map((m) => [m.id, m.target]),
    [
      [undefined, '/run/buildkit/ssh_agent.0'],
      ['work', '/agent'],
      ['other', '/run/buildkit/ssh_agent.2'],
    ],
  );
  assert.ok(run.env.includes('SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0'));

  const own = planBuild(
    'FROM alpine\nENV SSH_AUTH_SOCK=/mine\nRUN --mount=type=ssh true\n',
  );
  assert.ok(lastOf(own, 'run').env.includes('SSH_AUTH_SOCK=/mine'));
  assert.ok(
    !lastOf(own, 'run').env.includes('SSH_AUTH_SOCK=/run/buildkit/ssh_agent.0'),
  );

  const bad = planBuild('FROM alpine\nRUN --mount=type=ssh,src=/x true\n');
  assert.deepEqual(errors(bad), ['ssh does not support source']);
});

test('secret and SSH mounts change the step id, secret values never can', () => {
  const base = planBuild('FROM alpine\nRUN true\n');
  const secret = planBuild('FROM alpine\nRUN --mount=type=secret,id=a true\n');
  const other = planBuild('FROM alpine\nRUN --mount=type=secret,id=b true\n');
  const ids = [base, secret, other].map((p) => lastOf(p, 'run').id);
  assert.equal(new Set(ids).size, 3);
});

test('ADD https://...: checksum expanded and checked as a digest', () => {
  const hex = 'a'.repeat(64);
  const p = planBuild(
    `FROM alpine\nARG SUM=sha256:${hex}\nADD --checksum=$SUM --chmod=644 https://example.com/a/b.tgz /opt/\n`,
  );
  assert.deepEqual(errors(p), []);
  const add = lastOf(p, 'copy');
  assert.equal(add.checksum, `sha256:${hex}`);
  assert.deepEqual(add.sources, ['https://example.com/a/b.tgz']);

  const cases: [string, string][] = [
    ['sha256:abc', 'invalid checksum digest length'],
    ['md5:abc', 'unsupported digest algorithm'],
    ['abc', 'invalid checksum digest format'],
    [`sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
  ];
  for (const [sum, message] of cases) {
    const bad = planBuild(
      `FROM alpine\nADD --checksum=${sum} https://example.com/a.tgz /\n`,
    );
    assert.deepEqual(errors(bad), [message], sum);
  }
});

test('ADD of git sources: keep-git-dir and checksum must agree with the URL', () => {
  const ok = planBuild(
    'FROM alpine\nADD --keep-git-dir https://example.com/r.git#main:docs /src\n',
  );
  assert.deepEqual(errors(ok), []);
  assert.equal(lastOf(ok, 'copy').keepGitDir, true);

  const cases: [string, string][] = [
    [
      'ADD --keep-git-dir=false https://example.com/r.git?keep-git-dir=1 /s',
      'inconsistent keep-git-dir configuration',
    ],
    [
      'ADD --checksum=abc git://example.com/r?checksum=def /s',
      'checksum mismatch "abc" != "def"',
    ],
    ['ADD https://example.com/r.git?nope=1 /s', 'unexpected query "nope"'],
    ['COPY git://example.com/r /s', "source can't be a git ref for COPY"],
    ['COPY https://example.com/a.txt /s', "source can't be a URL for COPY"],
    ['ADD --checksum=abc a.txt /s', 'checksum requires HTTP(S) or Git sources'],
  ];
  for (const [line, message] of cases) {
    assert.deepEqual(errors(planBuild(`FROM alpine\n${line}\n`)), [message]);
  }
});

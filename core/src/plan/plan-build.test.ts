import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';

import type { BuildOptions } from '../model/options.ts';
import type {
  BuildPlan,
  CopyVertex,
  RunVertex,
  StagePlan,
  Vertex,
} from '../model/plan.ts';
import { isLabsSyntax, planBuild } from './plan-build.ts';

function plan(text: string, options: BuildOptions = {}): BuildPlan {
  return planBuild(text, options);
}

function errors(p: BuildPlan): string[] {
  return p.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => d.message);
}

function stage(p: BuildPlan, id: string, platform = 0): StagePlan {
  const found = p.platforms[platform].stages.find((s) => s.id === id);
  assert.ok(found, `no stage ${id}`);
  return found;
}

function steps(p: BuildPlan, id: string, platform = 0): Vertex[] {
  return stage(p, id, platform).vertices.map((v) => p.vertices[v]);
}

function runs(p: BuildPlan, id: string): RunVertex[] {
  return steps(p, id).filter((v): v is RunVertex => v.kind === 'run');
}

function env(s: StagePlan): Record<string, string> {
  return Object.fromEntries(
    s.config.env.map((e) => e.split(/=(.*)/s, 2) as [string, string]),
  );
}

test('builds only what the target needs, in file order, with reasons', () => {
  const p = plan(
    'FROM alpine\nRUN a\nFROM alpine AS builder\nRUN b\nFROM builder AS build1\nCOPY --from=0 /a /a\nFROM builder AS build2\n',
    { target: 'BUILD1' },
  );
  assert.deepEqual(errors(p), []);
  const platform = p.platforms[0];
  assert.deepEqual(platform.order, [0, 1, 2]);
  assert.equal(platform.target, 2);
  assert.deepEqual(
    platform.stages.map((s) => [s.id, s.built, s.reason]),
    [
      ['0', true, 'needed by stage build1 (COPY --from=0)'],
      ['builder', true, 'needed by stage build1 (FROM builder)'],
      ['build1', true, 'target'],
      ['build2', false, 'not needed for target build1'],
    ],
  );
  assert.deepEqual(stage(p, 'build2').vertices, []);
});

test('a missing target is reported with a suggestion', () => {
  const p = plan('FROM alpine AS build\n', { target: 'biuld' });
  assert.deepEqual(errors(p), [
    'target stage "biuld" could not be found (did you mean build?)',
  ]);
  assert.equal(p.ok, false);
  assert.deepEqual(p.platforms, []);
});

test('FROM matches earlier stage names exactly, after global-arg expansion', () => {
  const p = plan(
    'ARG V=b\nFROM alpine AS base-b\nENV FROM_BASE=1\nFROM base-${V}\nRUN true\n',
  );
  assert.deepEqual(errors(p), []);
  assert.deepEqual(stage(p, '1').base, { kind: 'stage', stage: 0 });
  assert.equal(env(stage(p, '1')).FROM_BASE, '1');
  const upper = plan('FROM alpine AS base\nFROM Base\n');
  assert.deepEqual(errors(upper), [
    'failed to parse stage name "Base": invalid reference format: repository name (library/Base) must be lowercase',
  ]);
});

test('every FROM is resolved, even in a stage that is skipped', () => {
  const p = plan('FROM alpine AS a\nFROM ${MISSING} AS b\nFROM alpine\n');
  assert.deepEqual(errors(p), ['base name (${MISSING}) should not be blank']);
  const bad = plan('FROM alpine AS a\nFROM -bad- AS b\nFROM alpine\n');
  assert.deepEqual(errors(bad), [
    'failed to parse stage name "-bad-": invalid reference format',
  ]);
});

test('global args are visible in FROM only unless redeclared', () => {
  const p = plan(
    'ARG V=1\nFROM alpine AS a\nRUN echo "$V"\nFROM alpine AS b\nARG V\nRUN echo "$V"\n',
    { target: 'a' },
  );
  assert.equal(
    runs(p, 'a')[0].env.some((e) => e.startsWith('V=')),
    false,
  );
  const b = plan(
    'ARG V=1\nFROM alpine AS a\nRUN echo "$V"\nFROM alpine AS b\nARG V\nRUN echo "$V"\n',
    { buildArgs: { V: '2' } },
  );
  assert.ok(runs(b, 'b')[0].env.includes('V=2'));
  assert.deepEqual(stage(b, 'b').args, { V: '2' });
});

test('ARG defaults lose to --build-arg; undeclared build args stay invisible', () => {
  const p = plan('FROM alpine\nARG A=default B\nRUN env\n', {
    buildArgs: { A: 'given', C: 'hidden' },
  });
  assert.deepEqual(stage(p, '0').args, { A: 'given' });
  const run = runs(p, '0')[0];
  assert.ok(run.env.includes('A=given'));
  assert.ok(!run.env.some((e) => e.startsWith('C=') || e.startsWith('B=')));
});

test('automatic platform args: declared ones reach RUN; a Dockerfile default wins', () => {
  const p = plan(
    'FROM alpine\nARG TARGETARCH\nARG TARGETPLATFORM=linux/amd64\nARG TARGETVARIANT\nRUN true\n',
    { platforms: ['linux/arm/v7'] },
  );
  assert.deepEqual(stage(p, '0').args, {
    TARGETARCH: 'arm',
    TARGETPLATFORM: 'linux/amd64',
    TARGETVARIANT: 'v7',
  });
  assert.equal(p.platforms[0].platform, 'linux/arm/v7');
  assert.equal(stage(p, '0').platform, 'linux/arm/v7');
});

test('TARGETSTAGE names the target, or the last stage', () => {
  const p = plan(
    'ARG TARGETSTAGE\nFROM alpine AS one\nARG TARGETSTAGE\nFROM alpine AS two\n',
    {
      target: 'one',
    },
  );
  assert.equal(stage(p, 'one').args.TARGETSTAGE, 'one');
  const last = plan('FROM alpine\nARG TARGETSTAGE\n');
  assert.equal(stage(last, '0').args.TARGETSTAGE, 'default');
});

test('ENV expands with the values from before the instruction', () => {
  const p = plan(
    'FROM alpine\nENV A=1\nENV A=2 B=$A\nARG C=x\nENV D="${C}-${A}"\n',
  );
  const e = env(stage(p, '0'));
  assert.equal(e.A, '2');
  assert.equal(e.B, '1');
  assert.equal(e.D, 'x-2');
  assert.equal(
    e.PATH,
    '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  );
});

test('a stage pinned to $BUILDPLATFORM shares its steps between target platforms', () => {
  const p = plan(
    'FROM --platform=$BUILDPLATFORM golang AS build\nRUN go mod download\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build\nFROM scratch\nCOPY --from=build /app /app\n',
    { platforms: ['linux/amd64', 'linux/arm64'] },
  );
  assert.deepEqual(errors(p), []);
  const amd = steps(p, 'build', 0);
  const arm = steps(p, 'build', 1);
  assert.equal(amd[0].id, arm[0].id);
  assert.equal(amd[1].id, arm[1].id);
  assert.notEqual(amd[2].id, arm[2].id);
  assert.equal(amd[0].platform, 'linux/amd64');
  assert.equal(arm[1].name, '[linux/amd64 build 2/3] RUN go mod download');
  assert.equal(
    arm[2].name,
    '[linux/amd64->arm64 build 3/3] RUN GOARCH=arm64 go build',
  );
  assert.equal(steps(p, '1', 1)[0].platform, 'linux/arm64');
  assert.equal(Object.keys(p.vertices).length, 6);
});

test('step names: single stage, padding, no FROM count for scratch or stages', () => {
  const p = plan(
    'FROM alpine\nWORKDIR /src\nCOPY a b\nRUN 1\nRUN 2\nRUN 3\nRUN 4\nRUN 5\nRUN 6\nRUN 7\nRUN $HOME\n',
  );
  const names = steps(p, '0').map((v) => v.name);
  assert.equal(names[0], '[ 1/11] FROM docker.io/library/alpine:latest');
  assert.equal(names[1], '[ 2/11] WORKDIR /src');
  assert.equal(names[10], '[11/11] RUN $HOME');
  const two = plan('FROM scratch AS a\nCOPY x /x\nFROM a\nRUN true\n');
  assert.equal(steps(two, 'a')[0].name, '[a 1/1] COPY x /x');
  assert.equal(steps(two, '1')[0].name, '[stage-1 1/1] RUN true');
});

test('RUN: shell form uses SHELL; exec form is kept; cwd and user follow WORKDIR and USER', () => {
  const p = plan(
    'FROM alpine\nRUN echo a\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nWORKDIR app\nUSER 1000\nRUN echo b\nRUN ["ls", "-l"]\n',
  );
  const [a, b, c] = runs(p, '0');
  assert.deepEqual(a.args, ['/bin/sh', '-c', 'echo a']);
  assert.deepEqual(b.args, ['/bin/bash', '-eo', 'pipefail', '-c', 'echo b']);
  assert.equal(b.cwd, '/app');
  assert.equal(b.user, '1000');
  assert.deepEqual(c.args, ['ls', '-l']);
  assert.equal(a.cwd, '/');
});

test('RUN heredocs: whole-command body, shebang file, and re-assembled forms', () => {
  const p = plan(
    'FROM alpine\nRUN <<EOF\necho one\necho two\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\nRUN cat <<A > /a\nhello\nA\n',
  );
  const [body, script, assembled] = runs(p, '0');
  assert.deepEqual(body.args, ['/bin/sh', '-c', 'echo one\necho two\n']);
  assert.match(body.name, /RUN <<EOF \(echo one\.\.\.\)$/);
  assert.deepEqual(script.args, ['/bin/sh', '-c', '/dev/pipes/EOF']);
  assert.deepEqual(script.files, [
    {
      path: '/dev/pipes/EOF',
      content: '#!/usr/bin/env python3\nprint(1)\n',
      mode: 0o755,
    },
  ]);
  assert.deepEqual(assembled.args, ['/bin/sh', '-c', 'cat <<A > /a\nhello\nA']);
});

test('COPY: heredocs are inline files, paths are expanded, dest follows WORKDIR', () => {
  const p = plan(
    'FROM alpine\nARG NAME=app\nWORKDIR /src\nCOPY <<EOT hello.rs\nfn main() {} // $NAME\nEOT\nCOPY --chmod=755 $NAME.sh ./bin/\nCOPY a .\n',
  );
  const copies = steps(p, '0').filter(
    (v): v is CopyVertex => v.kind === 'copy',
  );
  assert.deepEqual(copies[0].source, {
    kind: 'inline',
    files: [{ path: 'EOT', content: 'fn main() {} // app\n', mode: 0o644 }],
  });
  assert.equal(copies[0].dest, '/src/hello.rs');
  assert.deepEqual(copies[1].sources, ['app.sh']);
  assert.equal(copies[1].dest, '/src/bin/');
  assert.equal(copies[1].chmod, '755');
  assert.equal(copies[2].dest, '/src/');
});

test('COPY --from: a stage, an index, an image; later stages and variables are refused', () => {
  const p = plan(
    'FROM alpine AS a\nRUN make\nFROM scratch\nCOPY --from=a /x /x\nCOPY --from=0 /y /y\nCOPY --from=busybox:1.36 /bin/busybox /bb\n',
  );
  assert.deepEqual(errors(p), []);
  const [fromName, fromIndex, fromImage] = steps(p, '1') as CopyVertex[];
  const result = stage(p, 'a').result;
  assert.deepEqual(fromName.source, {
    kind: 'stage',
    stage: 0,
    vertex: result,
  });
  assert.deepEqual(fromIndex.source, {
    kind: 'stage',
    stage: 0,
    vertex: result,
  });
  assert.deepEqual(fromImage.source, {
    kind: 'image',
    ref: 'docker.io/library/busybox:1.36',
  });
  assert.ok(fromName.inputs.includes(result!));

  assert.deepEqual(
    errors(
      plan('FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\n', {
        target: 'a',
      }),
    ),
    [
      'cannot copy from stage "b", it needs to be defined before current stage "a"',
    ],
  );
  assert.deepEqual(
    errors(plan('FROM scratch\nARG O=a\nCOPY --from=$O /x /x\n')),
    [
      'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
    ],
  );
  assert.deepEqual(errors(plan('FROM scratch\nCOPY --from=3 /x /x\n')), [
    'invalid stage index 3',
  ]);
});

test('circular --from dependencies are refused', () => {
  const p = plan(
    'FROM alpine AS a\nCOPY --from=b /x /x\nFROM alpine AS b\nCOPY --from=a /y /y\n',
  );
  assert.deepEqual(errors(p), ['circular dependency detected on stage: a']);
});

test('RUN --mount=from= links the source stage; a later stage is refused', () => {
  const p = plan(
    'FROM alpine AS deps\nRUN make\nFROM alpine\nRUN --mount=type=bind,from=deps,target=/deps ls /deps\n',
  );
  const run = runs(p, '1')[0];
  assert.ok(run.inputs.includes(stage(p, 'deps').result!));
  assert.equal(run.mounts[0].from, 'deps');
  assert.equal(run.mounts[0].readonly, true);
  assert.deepEqual(p.platforms[0].order, [0, 1]);
  const later = plan(
    'FROM alpine AS first\nRUN --mount=from=later,target=/x true\nFROM alpine AS later\n',
    {
      target: 'first',
    },
  );
  assert.deepEqual(errors(later), [
    'cannot mount from stage "later" to "/x", stage needs to be defined before current command',
  ]);
});

test('RUN --device needs the labs syntax and resolves through the CDI registry', () => {
  const spec = {
    path: '/etc/cdi/acme.yaml',
    priority: 0,
    text: 'cdiVersion: "0.6.0"\nkind: acme.test/gpu\ndevices:\n  - name: g0\n    containerEdits:\n      env: [G=0]\n',
  };
  const text =
    '# syntax=docker/dockerfile:1-labs\nFROM alpine\nRUN --device=acme.test/gpu env\n';
  const denied = plan(text, { cdiSpecs: [spec] });
  assert.deepEqual(errors(denied), [
    'device acme.test/gpu=g0 is requested by the build but not allowed',
  ]);
  assert.equal(
    denied.diagnostics.find((d) => d.severity === 'error')?.location?.range
      .start.line,
    3,
  );
  const allowed = plan(text, { cdiSpecs: [spec], allow: ['device'] });
  assert.deepEqual(errors(allowed), []);
  assert.deepEqual(runs(allowed, '0')[0].devices[0].devices, [
    'acme.test/gpu=g0',
  ]);
  const mainline = plan(text.replace('1-labs', '1'), {
    cdiSpecs: [spec],
    allow: ['device'],
  });
  assert.deepEqual(errors(mainline), [
    'device feature is only supported in Dockerfile frontend 1.14.0-labs or later',
  ]);
});

test('RUN --network=host needs the network.host entitlement', () => {
  const text = 'FROM alpine\nRUN --network=host curl x\n';
  assert.deepEqual(errors(plan(text)), ['network.host is not allowed']);
  assert.deepEqual(errors(plan(text, { allow: ['network.host'] })), []);
  assert.equal(
    runs(plan(text, { allow: ['network.host'] }), '0')[0].network,
    'host',
  );
});

test('ONBUILD triggers of a base stage run first in the child', () => {
  const p = plan(
    'FROM alpine AS base\nONBUILD RUN echo triggered\nFROM base\nRUN echo child\n',
  );
  assert.deepEqual(errors(p), []);
  const [trigger, child] = runs(p, '1');
  assert.deepEqual(trigger.args, ['/bin/sh', '-c', 'echo triggered']);
  assert.equal(trigger.name, '[stage-1 1/2] ONBUILD RUN echo triggered');
  assert.equal(child.name, '[stage-1 2/2] RUN echo child');
  assert.deepEqual(stage(p, 'base').config.onBuild, ['RUN echo triggered']);
  assert.deepEqual(stage(p, '1').config.onBuild, []);
});

test('image config: CMD, ENTRYPOINT, EXPOSE, VOLUME, LABEL, USER, HEALTHCHECK', () => {
  const p = plan(
    'FROM alpine\nCMD ["a"]\nENTRYPOINT ["b"]\nEXPOSE 80 8000-8001/udp\nVOLUME /data\nLABEL k=v\nUSER me\nHEALTHCHECK CMD true\nSTOPSIGNAL SIGTERM\n',
  );
  const config = stage(p, '0').config;
  assert.deepEqual(config.cmd, ['a']);
  assert.deepEqual(config.entrypoint, ['b']);
  assert.deepEqual(config.exposedPorts, ['80/tcp', '8000/udp', '8001/udp']);
  assert.deepEqual(config.volumes, ['/data']);
  assert.deepEqual(config.labels, { k: 'v' });
  assert.equal(config.user, 'me');
  assert.deepEqual(config.healthcheck, { test: ['CMD-SHELL', 'true'] });
  assert.equal(config.stopSignal, 'SIGTERM');
  const reset = plan('FROM alpine AS a\nCMD ["a"]\nFROM a\nENTRYPOINT ["b"]\n');
  assert.equal(stage(reset, '1').config.cmd, undefined);
});

test('the legacy view lists every stage up to the target', () => {
  const p = plan(
    'ARG X\nFROM alpine AS a\nRUN a\nFROM alpine AS b\nRUN b\nFROM alpine AS c\n',
    {
      target: 'b',
      legacy: true,
    },
  );
  assert.deepEqual(
    p.legacy?.map((s) => `${s.step}/${s.total} ${s.text}`),
    [
      '1/5 ARG X',
      '2/5 FROM alpine AS a',
      '3/5 RUN a',
      '4/5 FROM alpine AS b',
      '5/5 RUN b',
    ],
  );
  assert.equal(plan('FROM alpine\n').legacy, undefined);
});

test('errors from every layer end up in one list', () => {
  assert.deepEqual(errors(plan('')), ['the Dockerfile cannot be empty']);
  assert.deepEqual(errors(plan('ARG A\n')), [
    'dockerfile contains no stages to build',
  ]);
  assert.deepEqual(errors(plan('FROM alpine\n', { platforms: ['linux/*'] })), [
    '"linux/*": wildcards not yet supported: invalid argument',
  ]);
});

test('recognises labs syntax directives', () => {
  assert.ok(isLabsSyntax('docker/dockerfile:1-labs'));
  assert.ok(isLabsSyntax('docker/dockerfile-upstream:master-labs'));
  assert.ok(isLabsSyntax('docker.io/docker/dockerfile:1.14.0-labs@sha256:abc'));
  assert.ok(!isLabsSyntax('docker/dockerfile:1'));
  assert.ok(!isLabsSyntax(undefined));
});

test('never throws, whatever the input', () => {
  const line = fc.oneof(
    fc.constantFrom(
      'FROM alpine',
      'FROM scratch AS a',
      'FROM a',
      'RUN <<EOF',
      'EOF',
      'COPY --from=a x y',
      'ARG A=$B',
      'ENV X=${A:-y}',
      'RUN --mount=type=cache,target=/c x',
      'WORKDIR ..',
      'ONBUILD COPY --from=0 a b',
      'COPY <<X /y',
      'RUN --device=a.com/b x',
      '# escape=`',
    ),
    fc.string({ maxLength: 30 }),
  );
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 12 }),
      fc.option(fc.constantFrom('a', '0', 'B')),
      (lines, target) => {
        const p = planBuild(lines.join('\n'), target ? { target } : {});
        assert.ok(Array.isArray(p.diagnostics));
        assert.equal(p.ok, !p.diagnostics.some((d) => d.severity === 'error'));
        assert.ok(
          !p.diagnostics.some((d) => d.code === 'internal'),
          JSON.stringify(p.diagnostics),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('RUN <<EOF bash passes the heredoc to the shell', () => {
  const p = plan('FROM alpine\nRUN <<EOF bash\necho $0\nEOF\n');
  assert.deepEqual(runs(p, '0')[0].args, [
    '/bin/sh',
    '-c',
    '<<EOF bash\necho $0\nEOF',
  ]);
});

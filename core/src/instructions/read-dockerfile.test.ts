import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { Instruction } from '../model/instructions.ts';
import { parseDockerfile } from '../parse/parse-dockerfile.ts';
import { readDockerfile } from './read-dockerfile.ts';

function read(text: string) {
  return readDockerfile(parseDockerfile(text));
}

function only(text: string): Instruction {
  const { dockerfile, diagnostics } = read(`FROM scratch\n${text}\n`);
  assert.deepEqual(diagnostics, []);
  assert.equal(dockerfile.stages[0].commands.length, 1);
  return dockerfile.stages[0].commands[0];
}

function errorsOf(text: string): string[] {
  return read(text).diagnostics.map(
    (d) => `${d.location?.range.start.line}: ${d.message}`,
  );
}

test('groups instructions into stages with global args first', () => {
  const { dockerfile, diagnostics } = read(
    '# syntax=docker/dockerfile:1-labs\nARG BASE=alpine\nFROM $BASE AS Build\nRUN make\nFROM scratch\nCOPY --from=build /a /a\n',
  );
  assert.deepEqual(diagnostics, []);
  assert.equal(dockerfile.syntax, 'docker/dockerfile:1-labs');
  assert.equal(dockerfile.globalArgs.length, 1);
  assert.deepEqual(dockerfile.globalArgs[0].args, [
    { key: 'BASE', value: 'alpine' },
  ]);
  assert.equal(dockerfile.stages.length, 2);
  assert.equal(dockerfile.stages[0].name, 'build');
  assert.equal(dockerfile.stages[0].from.image.value, '$BASE');
  assert.equal(dockerfile.stages[1].name, undefined);
});

test('FROM --platform=$BUILDPLATFORM golang AS build', () => {
  const { dockerfile } = read(
    'FROM --platform=$BUILDPLATFORM golang AS build\n',
  );
  const from = dockerfile.stages[0].from;
  assert.equal(from.platform?.value, '$BUILDPLATFORM');
  assert.equal(from.image.value, 'golang');
  assert.deepEqual(from.image.range, {
    start: { line: 1, column: 32 },
    end: { line: 1, column: 37 },
  });
  assert.equal(from.stageName?.value, 'build');
});

test('reports BuildKit errors for bad FROM lines', () => {
  assert.deepEqual(errorsOf('FROM a b\n'), [
    '1: FROM requires either one or three arguments',
  ]);
  assert.deepEqual(errorsOf('FROM a AS 1st\n'), [
    '1: invalid name for build stage: "1st", name can\'t start with a number or contain symbols',
  ]);
  assert.deepEqual(errorsOf('FROM --platform linux a\n'), [
    '1: FROM requires either one or three arguments',
  ]);
  assert.deepEqual(errorsOf('FROM --platform a\n'), [
    '1: missing a value on flag: --platform',
  ]);
});

test('a bad FROM still opens a stage', () => {
  const { dockerfile } = read('FROM a AS 1st\nRUN x\n');
  assert.equal(dockerfile.stages.length, 1);
  assert.equal(dockerfile.stages[0].commands.length, 1);
});

test('checks flags with BuildKit texts', () => {
  assert.deepEqual(errorsOf('FROM a\nRUN --mont=type=cache,target=/x true\n'), [
    '2: unknown flag: --mont (did you mean mount?)',
  ]);
  assert.deepEqual(errorsOf('FROM a\nCOPY --from=a --from=b x y\n'), [
    '2: duplicate flag specified: --from',
  ]);
  assert.deepEqual(errorsOf('FROM a\nCOPY --link=maybe x y\n'), [
    '2: expecting boolean value for flag --link, not: maybe',
  ]);
  assert.deepEqual(errorsOf('FROM a\nCOPY --link= x y\n'), [
    '2: missing a value on flag: --link',
  ]);
  assert.deepEqual(errorsOf('FROM a\nENV --x=1 A=b\n'), [
    '2: unknown flag: --x',
  ]);
});

test('reports instructions before the first FROM', () => {
  assert.deepEqual(errorsOf('RUN x\nFROM a\n'), [
    '1: no build stage in current context',
  ]);
});

test('reports an unknown instruction once, with the parser', () => {
  const syntax = parseDockerfile('FROM a\nEXPOS\\ 9090\n');
  const { diagnostics } = readDockerfile(syntax);
  const all = [...syntax.diagnostics, ...diagnostics].map((d) => d.message);
  assert.deepEqual(all, [
    'unknown instruction: EXPOS\\ (did you mean EXPOSE?)',
  ]);
  const alone = readDockerfile({ ...syntax, diagnostics: [] });
  assert.deepEqual(
    alone.diagnostics.map((d) => [d.code, d.location?.range.start.line]),
    [['unknown-instruction', 2]],
  );
});

test('COPY --from=build --chmod=755 --link a b /dst/', () => {
  const c = only('COPY --from=build --chmod=755 --link a b /dst/');
  assert.equal(c.kind, 'COPY');
  if (c.kind !== 'COPY') return;
  assert.equal(c.from?.value, 'build');
  assert.equal(c.chmod, '755');
  assert.equal(c.link, true);
  assert.equal(c.parents, false);
  assert.deepEqual(
    c.sources.map((s) => s.value),
    ['a', 'b'],
  );
  assert.equal(c.dest.value, '/dst/');
  assert.deepEqual(c.dest.range.start, { line: 2, column: 42 });
});

test('COPY heredocs become inline sources; a heredoc destination is refused', () => {
  const c = only('COPY <<EOT hello.rs\nfn main() {}\nEOT');
  assert.ok(c.kind === 'COPY');
  assert.equal(c.sources.length, 0);
  assert.equal(c.heredocs.length, 1);
  assert.equal(c.heredocs[0].name, 'EOT');
  assert.equal(c.heredocs[0].content, 'fn main() {}\n');
  assert.deepEqual(errorsOf('FROM a\nCOPY x <<EOT\nbody\nEOT\n'), [
    '2: COPY cannot accept a heredoc as a destination',
  ]);
  assert.deepEqual(errorsOf('FROM a\nADD x\n'), [
    '2: ADD requires at least two arguments, but only one was provided. Destination could not be determined',
  ]);
});

test('ADD --checksum --keep-git-dir --unpack', () => {
  const c = only(
    'ADD --checksum=sha256:abc --keep-git-dir=false --unpack https://x/a.tgz /a',
  );
  assert.ok(c.kind === 'ADD');
  assert.equal(c.checksum, 'sha256:abc');
  assert.equal(c.keepGitDir, false);
  assert.equal(c.unpack, true);
  assert.deepEqual(errorsOf('FROM a\nADD --from=x a b\n'), [
    '2: unknown flag: --from',
  ]);
});

test('RUN --device=vendor.com/gpu=0,required --network=none --security=insecure make', () => {
  const c = only(
    'RUN --device=vendor.com/gpu=0,required --device=name=acme.test/x --network=none --security=insecure make',
  );
  assert.ok(c.kind === 'RUN');
  assert.deepEqual(
    c.devices.map((d) => [d.name, d.required]),
    [
      ['vendor.com/gpu=0', true],
      ['acme.test/x', false],
    ],
  );
  assert.equal(c.network, 'none');
  assert.equal(c.security, 'insecure');
  assert.deepEqual(c.command, { form: 'shell', script: 'make' });
});

test('RUN flag values are checked while reading', () => {
  assert.deepEqual(errorsOf('FROM a\nRUN --network=bridge x\n'), [
    '2: invalid network mode "bridge"',
  ]);
  assert.deepEqual(errorsOf('FROM a\nRUN --security=root x\n'), [
    '2: security "root" is not valid',
  ]);
  assert.deepEqual(
    errorsOf('FROM a\nRUN --device=a.com/b,required=maybe x\n'),
    ['2: invalid value for required: maybe'],
  );
  assert.deepEqual(errorsOf('FROM a\nRUN --device=a.com/b,name=c x\n'), [
    '2: device name already set to a.com/b',
  ]);
  assert.deepEqual(errorsOf('FROM a\nRUN --mount=from=$X,target=/x true\n'), [
    "2: 'from' doesn't support variable expansion, define alias stage instead",
  ]);
});

test('RUN ["echo", "hi"] keeps the exec form', () => {
  const c = only('RUN ["echo", "hi"]');
  assert.ok(c.kind === 'RUN');
  assert.deepEqual(c.command, { form: 'exec', args: ['echo', 'hi'] });
});

test('ENV, LABEL and ARG keep their pairs unexpanded', () => {
  const env = only('ENV A=1 B="two words"');
  assert.ok(env.kind === 'ENV');
  assert.deepEqual(env.pairs, [
    { key: 'A', value: '1' },
    { key: 'B', value: '"two words"' },
  ]);
  const legacy = only('ENV PATH /usr/bin:$PATH');
  assert.ok(legacy.kind === 'ENV');
  assert.deepEqual(legacy.pairs, [{ key: 'PATH', value: '/usr/bin:$PATH' }]);
  const arg = only('ARG A B=2 C=');
  assert.ok(arg.kind === 'ARG');
  assert.deepEqual(arg.args, [
    { key: 'A' },
    { key: 'B', value: '2' },
    { key: 'C', value: '' },
  ]);
  assert.deepEqual(errorsOf('FROM a\nARG =x\n'), [
    '2: ARG names can not be blank',
  ]);
});

test('single-value and list instructions', () => {
  const workdir = only('WORKDIR /app/$X');
  assert.ok(workdir.kind === 'WORKDIR');
  assert.equal(workdir.path, '/app/$X');
  const expose = only('EXPOSE 8080 443/tcp 80');
  assert.ok(expose.kind === 'EXPOSE');
  assert.deepEqual(expose.ports, ['443/tcp', '80', '8080']);
  const volume = only('VOLUME ["/data", "/logs"]');
  assert.ok(volume.kind === 'VOLUME');
  assert.deepEqual(volume.paths, ['/data', '/logs']);
  assert.deepEqual(errorsOf('FROM a\nUSER\n'), [
    '2: USER requires exactly one argument',
  ]);
  assert.deepEqual(errorsOf('FROM a\nSHELL /bin/bash -c\n'), [
    '2: SHELL requires the arguments to be in JSON form',
  ]);
});

test('HEALTHCHECK checks its type, durations and retries', () => {
  const hc = only(
    'HEALTHCHECK --interval=30s --retries=3 CMD curl -f http://localhost/',
  );
  assert.ok(hc.kind === 'HEALTHCHECK');
  assert.equal(hc.interval, '30s');
  assert.equal(hc.retries, 3);
  assert.deepEqual(hc.test, {
    form: 'shell',
    script: 'curl -f http://localhost/',
  });
  const none = only('HEALTHCHECK NONE');
  assert.ok(none.kind === 'HEALTHCHECK' && none.none);
  assert.deepEqual(errorsOf('FROM a\nHEALTHCHECK --interval=10 CMD x\n'), [
    '2: time: missing unit in duration "10"',
  ]);
  assert.deepEqual(errorsOf('FROM a\nHEALTHCHECK --retries=-1 CMD x\n'), [
    '2: --retries cannot be negative (-1)',
  ]);
  assert.deepEqual(errorsOf('FROM a\nHEALTHCHECK RUN x\n'), [
    '2: Unknown type "RUN" in HEALTHCHECK (try CMD)',
  ]);
  assert.deepEqual(errorsOf('FROM a\nHEALTHCHECK NONE x\n'), [
    '2: HEALTHCHECK NONE takes no arguments',
  ]);
});

test('ONBUILD keeps its trigger text and refuses FROM and ONBUILD', () => {
  const c = only('ONBUILD RUN echo hi');
  assert.ok(c.kind === 'ONBUILD');
  assert.equal(c.expression, 'RUN echo hi');
  assert.deepEqual(errorsOf('FROM a\nONBUILD FROM b\n'), [
    "2: FROM isn't allowed as an ONBUILD trigger",
  ]);
  assert.deepEqual(errorsOf('FROM a\nONBUILD ONBUILD RUN x\n'), [
    "2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
  ]);
});

test("errors that end a build carry BuildKit's parse error line", () => {
  const syntax = parseDockerfile(
    'FROM scratch\n\nBADCMD\nCOPY --bogus=1 \\\n  a b\n',
  );
  const { diagnostics } = readDockerfile(syntax);
  assert.deepEqual(
    [...syntax.diagnostics, ...diagnostics].map((d) => d.failure),
    [
      'dockerfile parse error on line 3: unknown instruction: BADCMD',
      'dockerfile parse error on line 4: unknown flag: --bogus',
    ],
  );
});

// Behaviour of the parser beyond the upstream fixtures: directives,
// heredocs, errors that do not stop parsing, ranges and comments.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { DockerfileSyntax } from '../model/syntax.ts';
import { dumpBuildkitAst } from './dump.ts';
import type { ParseMemo } from './parse-dockerfile.ts';
import { parseDockerfile } from './parse-dockerfile.ts';

function errors(syntax: DockerfileSyntax): string[] {
  return syntax.diagnostics
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.location?.range.start.line ?? '-'}: ${d.message}`);
}

test('RUN echo first # trailing note \\ continues onto the next line', () => {
  const syntax = parseDockerfile(
    'FROM busybox:1.36\nRUN echo first # trailing note \\\nRUN echo second\n',
  );
  assert.deepEqual(errors(syntax), []);
  assert.deepEqual(
    syntax.instructions.map((n) => n.keyword),
    ['FROM', 'RUN'],
  );
  assert.deepEqual(syntax.instructions[1].args, [
    'echo first # trailing note RUN echo second',
  ]);
  assert.deepEqual(syntax.instructions[1].range.end.line, 3);
});

test('EXPOS\\ 9090 is an unknown instruction with a suggestion', () => {
  const syntax = parseDockerfile('FROM busybox:1.36\nEXPOS\\ 9090\n');
  assert.deepEqual(errors(syntax), [
    '2: unknown instruction: EXPOS\\ (did you mean EXPOSE?)',
  ]);
  assert.equal(syntax.diagnostics[0].code, 'unknown-instruction');
  assert.equal(dumpBuildkitAst(syntax), '(from "busybox:1.36")\n(expos\\ "")');
});

test('unknown instructions keep the user casing', () => {
  const syntax = parseDockerfile('FROM a\nbogus bar\nCOPPY a b\n');
  assert.deepEqual(errors(syntax), [
    '2: unknown instruction: bogus',
    '3: unknown instruction: COPPY (did you mean COPY?)',
  ]);
});

test('a repeated escape directive is an error', () => {
  const syntax = parseDockerfile('# escape=`\n# escape=`\nFROM busybox:1.36\n');
  assert.deepEqual(errors(syntax), [
    '2: only one escape parser directive can be used',
  ]);
  assert.equal(syntax.escapeToken, '`');
  assert.equal(syntax.instructions.length, 1);
});

test('directives: escape, syntax and check, then ordinary comments', () => {
  const syntax = parseDockerfile(
    '#syntax = docker/dockerfile:1-labs\n# ESCAPE=`\n# check=skip=all\n' +
      '# escape=\\\nFROM a `\n  AS b\n',
  );
  assert.deepEqual(
    syntax.directives.map((d) => [d.name, d.value, d.range.start.line]),
    [
      ['syntax', 'docker/dockerfile:1-labs', 1],
      ['escape', '`', 2],
      ['check', 'skip=all', 3],
    ],
  );
  assert.equal(syntax.escapeToken, '`');
  assert.deepEqual(syntax.instructions[0].args, ['a', 'AS', 'b']);
  assert.deepEqual(syntax.instructions[0].comments, ['escape=\\']);
});

test('a directive after an instruction or comment is a comment', () => {
  const syntax = parseDockerfile('# hello\n# escape=`\nFROM a \\\n  b\n');
  assert.deepEqual(syntax.directives, []);
  assert.equal(syntax.escapeToken, '\\');
  assert.deepEqual(syntax.instructions[0].args, ['a', 'b']);
});

test('an invalid escape token is reported with BuildKit text', () => {
  const syntax = parseDockerfile('# escape=x\nFROM a\n');
  assert.deepEqual(errors(syntax), [
    "1: invalid escape token 'x' does not match ` or \\",
  ]);
});

test('an unterminated heredoc is an error', () => {
  const syntax = parseDockerfile(
    "FROM alpine:3.19\nRUN printf '%s\\n' <<MARK \\\n    alpha \\\n" +
      '    beta \\\n    MARK > /tmp/result && \\\n    echo finished\n',
  );
  assert.deepEqual(errors(syntax), ['2: unterminated heredoc']);
  const [diagnostic] = syntax.diagnostics;
  assert.equal(diagnostic.code, 'unterminated-heredoc');
  assert.equal(diagnostic.location?.range.end.line, 6);
});

test('heredoc names, quoting, chomping and bodies', () => {
  const syntax = parseDockerfile(
    [
      'FROM alpine',
      'RUN cat << TXT > /greeting.txt',
      'hi there',
      'TXT',
      'COPY <<-\\NOTE /notes.txt',
      '\tfirst line',
      '\tsecond line',
      '\tNOTE',
      'COPY <<FILE1 <<"FILE2" /dest',
      'content 1',
      'FILE1',
      'content $2',
      'FILE2',
      "RUN 3<<eo'f' <<eo\\'g",
      'x',
      'eof',
      'y',
      "eo'g",
      'RUN ["<<EOF"]',
      'USER <<NOPE',
      'RUN "<<NOHEREDOC"',
      'RUN <<$EOF',
      '$EOF',
    ].join('\n'),
  );
  assert.deepEqual(errors(syntax), []);
  const docs = syntax.instructions.map((n) =>
    n.heredocs.map((h) => [h.name, h.content, h.expand, h.chomp]),
  );
  assert.deepEqual(docs, [
    [],
    [['TXT', 'hi there\n', true, false]],
    // As in BuildKit, only quotes (not an escape) turn expansion off.
    [['NOTE', 'first line\nsecond line\n', true, true]],
    [
      ['FILE1', 'content 1\n', true, false],
      ['FILE2', 'content $2\n', false, false],
    ],
    [
      ['eof', 'x\n', false, false],
      ["eo'g", 'y\n', true, false],
    ],
    [],
    [],
    [],
    [['$EOF', '', true, false]],
  ]);
  const copy = syntax.instructions[3];
  assert.deepEqual(copy.args, ['<<FILE1', '<<"FILE2"', '/dest']);
  assert.deepEqual([copy.range.start.line, copy.range.end.line], [9, 13]);
  assert.deepEqual(
    copy.heredocs.map((h) => [h.range.start.line, h.range.end.line]),
    [
      [10, 11],
      [12, 13],
    ],
  );
});

test('heredoc bodies keep CRLF and skip comment handling', () => {
  const syntax = parseDockerfile(
    'FROM a\r\nRUN <<EOF\r\n# not a comment \\\r\necho hi\r\nEOF\r\nRUN b\r\n',
  );
  assert.deepEqual(errors(syntax), []);
  assert.equal(
    syntax.instructions[1].heredocs[0].content,
    '# not a comment \\\r\necho hi\r\n',
  );
  assert.equal(syntax.instructions[2].original, 'RUN b');
});

test('ONBUILD nests its trigger and owns its heredocs', () => {
  const syntax = parseDockerfile(
    'FROM a\nONBUILD RUN --mount=type=cache,target=/c <<EOF\necho\nEOF\n' +
      'ONBUILD copy ["a", "b"]\nONBUILD\n',
  );
  assert.deepEqual(errors(syntax), []);
  const [, run, copy, empty] = syntax.instructions;
  assert.deepEqual(run.args, ['RUN', '<<EOF']);
  assert.equal(run.trigger?.keyword, 'RUN');
  assert.deepEqual(run.trigger?.flags, ['--mount=type=cache,target=/c']);
  assert.deepEqual(
    run.heredocs.map((h) => h.name),
    ['EOF'],
  );
  assert.deepEqual(copy.args, ['copy', 'a', 'b']);
  assert.equal(copy.trigger?.json, true);
  assert.equal(copy.json, false);
  assert.deepEqual(empty.args, []);
  assert.equal(
    dumpBuildkitAst(syntax).split('\n').slice(1).join('\n'),
    '(onbuild (run ["--mount=type=cache,target=/c"] "<<EOF"))\n' +
      '(onbuild (copy "a" "b"))\n(onbuild)',
  );
});

test('errors do not stop the parse', () => {
  const syntax = parseDockerfile(
    'FROM a\nENV PATH\nLABEL a=b c\nCMD ["x", 1]\nRUN ok\n',
  );
  assert.deepEqual(errors(syntax), [
    '2: ENV must have two arguments',
    '3: Syntax error - can\'t find = in "c". Must be of the form: name=value',
    '4: when using JSON array syntax, arrays must be comprised of strings only',
  ]);
  assert.deepEqual(
    syntax.instructions.map((n) => n.keyword),
    ['FROM', 'RUN'],
  );
});

test('JSON form falls back to shell form when it is not valid JSON', () => {
  const syntax = parseDockerfile(
    'FROM a\nCMD [\'a\']\nCMD ["a" ]x\nCMD [ "a", "b" ]\nSHELL []\n',
  );
  const shapes = syntax.instructions.slice(1).map((n) => [n.json, n.args]);
  assert.deepEqual(shapes, [
    [false, ["['a']"]],
    [false, ['["a" ]x']],
    [true, ['a', 'b']],
    [true, []],
  ]);
});

test('flags are split off with quotes and escapes removed', () => {
  const syntax = parseDockerfile(
    'FROM --platform=$BUILDPLATFORM a\nCOPY --chown="a b" --from=x\\ y -- --c d\n',
  );
  const [from, copy] = syntax.instructions;
  assert.deepEqual(from.flags, ['--platform=$BUILDPLATFORM']);
  assert.deepEqual(copy.flags, ['--chown=a b', '--from=x y']);
  assert.deepEqual(copy.args, ['--c', 'd']);
});

test('comments above an instruction are attached; a bare # clears them', () => {
  const syntax = parseDockerfile(
    '# one\n#\n# two\n\n   # three\nARG A\nRUN b \\\n  # inside\n  c\n',
  );
  assert.deepEqual(syntax.instructions[0].comments, ['two', '# three']);
  assert.deepEqual(syntax.instructions[1].comments, []);
  assert.deepEqual(syntax.instructions[1].args, ['b   c']);
});

test('empty continuation lines warn at the end of the instruction', () => {
  const syntax = parseDockerfile('FROM a\nRUN a \\\n\n  b\nRUN c\n');
  const warnings = syntax.diagnostics.filter((d) => d.severity === 'warning');
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].message, 'Empty continuation line');
  assert.equal(warnings[0].location?.range.start.line, 4);
  assert.deepEqual(syntax.instructions[1].args, ['a   b']);
});

test('ranges point at the instruction text', () => {
  const syntax = parseDockerfile('\uFEFF  FROM a\n\n\tRUN b \\\n  c\n');
  const ranges = syntax.instructions.map((n) => n.range);
  assert.deepEqual(ranges, [
    { start: { line: 1, column: 3 }, end: { line: 1, column: 9 } },
    { start: { line: 3, column: 2 }, end: { line: 4, column: 4 } },
  ]);
  assert.equal(syntax.instructions[1].original, 'RUN b   c');
});

test('an over-long line is reported', () => {
  const syntax = parseDockerfile(`FROM a\nLABEL a=${'x'.repeat(70000)}\n`);
  assert.deepEqual(errors(syntax), [
    '2: dockerfile line greater than max allowed size of 65535',
  ]);
});

test('odd input never throws', () => {
  const inputs = [
    '',
    '\\',
    '\\\n',
    '\n\n\n',
    'RUN <<',
    'RUN <<"EOF',
    'RUN <<EOF <<EOF\nEOF\n',
    'ONBUILD ONBUILD RUN <<A\nA',
    'FROM ${',
    'ENV "a b" c',
    '\u0000RUN\u2028x',
    'HEALTHCHECK\u00a0CMD x',
  ];
  for (const input of inputs) {
    const syntax = parseDockerfile(input);
    assert.equal(typeof dumpBuildkitAst(syntax), 'string');
  }
  assert.deepEqual(errors(parseDockerfile('')), [
    '-: the Dockerfile cannot be empty',
  ]);
  assert.deepEqual(errors(parseDockerfile('# x\n\n')), [
    '2: file with no instructions',
  ]);
});

test('non-ASCII text near flags is scanned byte by byte, as BuildKit does', () => {
  const syntax = parseDockerfile(
    'FROM a\nCOPY \u00a0--from=x a b\nCOPY --chown=\u00e9 a b\n',
  );
  assert.deepEqual(syntax.instructions[1].flags, []);
  assert.deepEqual(syntax.instructions[1].args, ['--from=x', 'a', 'b']);
  // U+00E9 is the bytes C3 A9; each byte becomes one Latin-1 character.
  assert.deepEqual(syntax.instructions[2].flags, ['--chown=\u00c3\u00a9']);
});

test('a heredoc marker followed by ${v:-w} is not a heredoc', () => {
  const syntax = parseDockerfile('FROM a\nRUN cat <<EOF${x:-y}\nRUN b\n');
  assert.deepEqual(errors(syntax), []);
  assert.equal(syntax.instructions.length, 3);
  assert.deepEqual(syntax.instructions[1].heredocs, []);
});

test('parses the same with a memo, heredocs and errors included', () => {
  const memo: ParseMemo = new Map();
  const texts = [
    'FROM a\nRUN <<EOF cat\nx\nEOF\nCOPY <<A <<-B /d\na\nA\n\tb\n\tB\n',
    'FROM a\nRUN <<EOF cat\ny\nEOF\nCOPY <<A <<-B /d\na\nA\n\tb\n\tB\n',
    'FROM a\nRUN <<EOF cat\nx\n',
    'FROM a\nRUN <<"EOF cat\nx\nEOF\n',
    '# escape=`\nFROM a\nRUN <<EOF cat\nx\nEOF\n',
    'FROM a\nRUN <<EOF cat\nx\nEOF\n',
  ];
  for (let round = 0; round < 2; round++) {
    for (const text of texts) {
      assert.deepEqual(
        parseDockerfile(text, 'Dockerfile', memo),
        parseDockerfile(text),
      );
    }
  }
});

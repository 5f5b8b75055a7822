// Checks diagnostic text: the `file:line: message` line, BuildKit's source
// excerpt, Go quoting and suggestions.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { Diagnostic } from '../model/diagnostic.ts';
import { parseDockerfile } from '../parse/parse-dockerfile.ts';
import {
  formatDiagnostic,
  formatLocation,
  formatSourceExcerpt,
} from './format.ts';
import { goQuote, goQuoteList } from './go-quote.ts';
import { suggestName } from './suggest.ts';

const SOURCE = 'FROM a\nRUN b\nENV c\nRUN d\nRUN e\nRUN f\n';

function at(line: number, end = line): Diagnostic {
  return {
    code: 'x',
    severity: 'error',
    message: 'boom',
    location: {
      file: 'Dockerfile',
      range: { start: { line, column: 1 }, end: { line: end, column: 1 } },
    },
  };
}

test('formats a location and a bare message', () => {
  assert.equal(formatLocation(at(3).location!), 'Dockerfile:3');
  assert.equal(formatDiagnostic(at(3)), 'Dockerfile:3: boom');
  const { location: _, ...bare } = at(3);
  assert.equal(formatDiagnostic(bare, SOURCE), 'boom');
});

test('a one-line range gets two lines of context each side', () => {
  assert.equal(
    formatDiagnostic(at(3), SOURCE),
    [
      'Dockerfile:3: boom',
      '--------------------',
      '   1 |     FROM a',
      '   2 |     RUN b',
      '   3 | >>> ENV c',
      '   4 |     RUN d',
      '   5 |     RUN e',
      '--------------------',
    ].join('\n'),
  );
});

test('a range at the top takes its context from below', () => {
  assert.equal(
    formatSourceExcerpt(at(1).location!, SOURCE),
    [
      'Dockerfile:1',
      '--------------------',
      '   1 | >>> FROM a',
      '   2 |     RUN b',
      '   3 |     ENV c',
      '--------------------',
      '',
    ].join('\n'),
  );
});

test('a multi-line range gets one line of context each side', () => {
  assert.equal(
    formatSourceExcerpt(at(3, 4).location!, SOURCE),
    [
      'Dockerfile:3',
      '--------------------',
      '   2 |     RUN b',
      '   3 | >>> ENV c',
      '   4 | >>> RUN d',
      '   5 |     RUN e',
      '--------------------',
      '',
    ].join('\n'),
  );
});

test('a parser diagnostic prints with its excerpt', () => {
  const syntax = parseDockerfile(SOURCE);
  const [diagnostic] = syntax.diagnostics;
  assert.match(
    formatDiagnostic(diagnostic, SOURCE),
    /^Dockerfile:3: ENV must have two arguments\n-+\n {3}1 \| {5}FROM a\n/,
  );
});

test('takes the excerpt from the file the diagnostic points at', () => {
  const spec = 'cdiVersion: "0.6.0"\nkind: a.com/b\ndevices:\n  - name:\n';
  const inSpec: Diagnostic = {
    ...at(4),
    location: { ...at(4).location!, file: '/cdi/broken.yaml' },
  };
  const sources = new Map([
    ['Dockerfile', SOURCE],
    ['/cdi/broken.yaml', spec],
  ]);
  assert.equal(
    formatDiagnostic(inSpec, sources),
    [
      '/cdi/broken.yaml:4: boom',
      '--------------------',
      '   2 |     kind: a.com/b',
      '   3 |     devices:',
      '   4 | >>>   - name:',
      '   5 |     ',
      '--------------------',
    ].join('\n'),
  );
  assert.match(formatDiagnostic(at(4), sources), /   4 \| >>> RUN d/);
  // A file whose text is not known gets no excerpt, and no stray rule.
  const dockerfileOnly = new Map([['Dockerfile', SOURCE]]);
  assert.equal(
    formatDiagnostic(inSpec, dockerfileOnly),
    '/cdi/broken.yaml:4: boom',
  );
  assert.equal(formatSourceExcerpt(inSpec.location!, dockerfileOnly), '');
});

test('quotes strings as Go strconv.Quote does', () => {
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('\t\n\r\u0007\u0000\u007f'), '"\\t\\n\\r\\a\\x00\\x7f"');
  assert.equal(goQuote('♥ é 한'), '"♥ é 한"');
  assert.equal(goQuote('\u00a0\u200b'), '"\\u00a0\\u200b"');
  assert.equal(goQuote('\u{1F600}\u{E0001}'), '"\u{1F600}\\U000e0001"');
  assert.equal(goQuoteList(['--a=b', 'c']), '["--a=b" "c"]');
});

test('suggests names within an edit distance of two', () => {
  const names = ['RUN', 'COPY', 'EXPOSE'];
  assert.equal(suggestName('RNU', names, false), 'RUN');
  assert.equal(suggestName('copi', names, false), 'copy');
  assert.equal(suggestName('Expos', names, false), 'expose');
  assert.equal(suggestName('run', names, false), undefined);
  assert.equal(suggestName('WORKDIR', names, false), undefined);
  assert.equal(suggestName('mont', ['mount'], true), 'mount');
});

// Checks the shell-word lexer against BuildKit's envVarTest and wordsTest
// fixtures, with `\` and with `` ` `` as the escape character.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { expandWord, expandWords } from './expand-word.ts';

const SHELL_DIR = path.resolve(
  import.meta.dirname,
  '../../../../shared/corpus/buildkit-parser/shell',
);

interface Row {
  line: number;
  input: string;
  expected: string[] | 'error';
}

function readFixture(name: string): string {
  const file = path.join(SHELL_DIR, name);
  assert.ok(existsSync(file), `missing fixture ${file}`);
  return readFileSync(file, 'utf8');
}

/** Rows of envVarTest that apply on Linux (`A` and `U`). */
function envVarRows(): Row[] {
  const rows: Row[] = [];
  readFixture('envVarTest')
    .split('\n')
    .forEach((raw, index) => {
      if (raw.startsWith('#')) return;
      const line = raw.trim();
      if (line === '') return;
      const fields = line.split('|');
      assert.equal(fields.length, 3, `bad row ${index + 1}`);
      const [platform, input, expected] = fields.map((f) => f.trim());
      if (platform === 'W') return;
      rows.push({
        line: index + 1,
        input,
        expected: expected === 'error' ? 'error' : [expected],
      });
    });
  return rows;
}

const ENV: Record<string, string> = {
  PWD: '/home',
  SHELL: 'bash',
  KOREAN: '한국어',
  NULL: '',
};
const lookupEnv = (name: string): string | undefined =>
  Object.hasOwn(ENV, name) ? ENV[name] : undefined;

// Swaps `\` and `` ` `` so a row written for `\` tests the backtick escape.
function swapEscape(text: string): string {
  return text.replace(/[\\`]/g, (c) => (c === '\\' ? '`' : '\\'));
}

for (const escape of ['\\', '`']) {
  const convert = escape === '\\' ? (t: string) => t : swapEscape;

  test(`envVarTest rows expand as BuildKit does (escape ${escape})`, () => {
    const rows = envVarRows();
    assert.ok(rows.length > 200);
    for (const row of rows) {
      const result = expandWord(convert(row.input), lookupEnv, escape);
      if (row.expected === 'error') {
        assert.ok(result.error, `line ${row.line}: ${row.input} should fail`);
      } else {
        assert.equal(result.error, undefined, `line ${row.line}: ${row.input}`);
        assert.equal(
          result.value,
          convert(row.expected[0]),
          `line ${row.line}: ${row.input}`,
        );
      }
    }
  });

  test(`wordsTest rows split as BuildKit does (escape ${escape})`, () => {
    const env = new Map<string, string>();
    let checked = 0;
    readFixture('wordsTest')
      .split('\n')
      .forEach((line, index) => {
        if (line.startsWith('#') || line === '') return;
        if (line.startsWith('ENV ')) {
          const assignment = line.slice(3).replace(/^ +/, '');
          const eq = assignment.indexOf('=');
          env.set(assignment.slice(0, eq), assignment.slice(eq + 1));
          return;
        }
        const fields = line.split('|');
        assert.equal(fields.length, 2, `bad row ${index + 1}`);
        const input = convert(fields[0].trim());
        const expected = fields[1].replace(/^ +/, '').split(',').map(convert);
        const result = expandWords(input, (name) => env.get(name), escape);
        const words = result.error === undefined ? result.words : ['error'];
        assert.deepEqual(words, expected, `line ${index + 1}: ${input}`);
        checked++;
      });
    assert.ok(checked > 20);
  });
}

const MATCH_CASES: [string, Record<string, string>, string | Error][] = [
  ['x ${UNUSED}', {}, 'x '],
  ['${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}', { FOO: 'xxx', BAR: '' }, 'xxx  ccc'],
  [
    '${FOO:-aaa} ${BAR:-bbb} ${BAZ:-ccc}',
    { FOO: 'xxx', BAR: '' },
    'xxx bbb ccc',
  ],
  ['${FOO+aaa} ${BAR+bbb} ${BAZ+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa bbb '],
  ['${FOO:+aaa} ${BAR:+bbb} ${BAZ:+ccc}', { FOO: 'xxx', BAR: '' }, 'aaa  '],
  ['${BAR?bbb}', { BAR: '' }, ''],
  ['${BAZ?ccc}', {}, new Error('BAZ: ccc')],
  ['${BAR:?bbb}', { BAR: '' }, new Error('BAR: bbb')],
  ['${BAZ:?}', {}, new Error('BAZ: is not allowed to be unset')],
  ['${BAR:?}', { BAR: '' }, new Error('BAR: is not allowed to be empty')],
  ['${BAZ?}', {}, new Error('BAZ: is not allowed to be unset')],
  ['${FOO=aaa}', { FOO: 'xxx' }, new Error('unsupported modifier (=)')],
  ['${FOO#()[]{\\}^$.\\*\\?|\\\\}', { FOO: '()[]{}^$.*?|\\x' }, 'x'],
  ['${FOO%%\\**}', { FOO: 'xx**' }, 'xx'],
  ['${FOO#*x*y}', { FOO: 'xxyy' }, 'y'],
  ['${FOO#*}', { FOO: 'xxyy' }, 'xxyy'],
  ['${FOO#$BAR}', { FOO: 'xxyy', BAR: 'x' }, 'xyy'],
  ['${FOO##*x}', { FOO: 'xxyy' }, 'yy'],
  ['${FOO#?\\?}', { FOO: '???y' }, '?y'],
  ['${ABC:-.}${FOO%x}${ABC:-.}', { FOO: 'xxyy' }, '.xxyy.'],
  ['${FOO%%\\**\\*}', { FOO: 'a***yy*' }, 'a'],
  ['${FOO:#}', {}, new Error('unsupported modifier (:#)')],
  ['${FOO:%%}', {}, new Error('unsupported modifier (:%)')],
  [
    '${FOO/$NEEDLE/.} - ${FOO//$NEEDLE/.}',
    { FOO: '/foo*/*/*.txt', NEEDLE: '\\*/' },
    '/foo.*/*.txt - /foo..*.txt',
  ],
  [
    '${FOO/$NEEDLE/} - ${FOO//$NEEDLE/}',
    { FOO: '/tmp/tmp/bar.txt', NEEDLE: '/tmp' },
    '/tmp/bar.txt - /bar.txt',
  ],
  ['${FOO//\\//\\/}', { FOO: '/tmp/foo.txt' }, '\\/tmp\\/foo.txt'],
  ['${FOO/$BAR/ww}', { FOO: 'xxyy', BAR: '' }, 'wwxxyy'],
  ['${FOO//ww}', { FOO: 'xxyy' }, new Error("missing '/' in ${}")],
  ['${FOO///}', { FOO: 'xxyy' }, 'xxyy'],
  ['${FOO//a*/-}', { FOO: 'baaac' }, 'b-'],
  ['${FOO//*/-}', { FOO: 'abc' }, '-'],
  ['${FOO//?/-$0}', { FOO: 'ab' }, '--'],
  ['${FOO//?/-\\$0}', { FOO: 'ab' }, '-\\a-\\b'],
  ['${FOO/?/-\\$0}', { FOO: 'ab' }, '-\\$0b'],
  [
    '${FOO#\\x}',
    { FOO: 'x' },
    new Error("invalid pattern (\\x) in substitution: invalid escape '\\x'"),
  ],
  ['${abc', {}, new Error('unsupported modifier (\ufffd) in substitution')],
  ['${', {}, new Error("syntax error: missing '}'")],
  [
    'something-${V}.${OS}${VARIANT:+-${VARIANT}}.tar.gz',
    { V: 'v1', OS: 'linux', VARIANT: 'v7' },
    'something-v1.linux-v7.tar.gz',
  ],
];

test('modifiers, patterns and their errors', () => {
  for (const [input, env, expected] of MATCH_CASES) {
    const result = expandWord(input, (name) =>
      Object.hasOwn(env, name) ? env[name] : undefined,
    );
    if (expected instanceof Error) {
      assert.ok(result.error, `${input} should fail`);
      assert.ok(
        result.error.includes(expected.message),
        `${input}: ${result.error}`,
      );
      assert.ok(result.error.startsWith(`failed to process "`), result.error);
    } else {
      assert.equal(result.error, undefined, `${input}: ${result.error}`);
      assert.equal(result.value, expected, input);
    }
  }
});

test('reports unset variables in order of first use', () => {
  const result = expandWord('${FOO:-$A} $B ${A} $C', (name) =>
    name === 'C' ? 'c' : undefined,
  );
  assert.deepEqual(result.unmatched, ['A', 'FOO', 'B']);
  assert.equal(result.value, '   c');
});

test('${a:?msg} fails with the message, wrapped as BuildKit wraps it', () => {
  const result = expandWord('${a:?msg}', () => undefined);
  assert.equal(result.error, 'failed to process "${a:?msg}": a: msg');
});

test('options keep quotes and unset references as written', () => {
  const result = expandWords(
    `a "b c" $X '\${Y}' \${Z:-d}`,
    () => undefined,
    '\\',
    {
      rawQuotes: true,
      skipUnsetEnv: true,
    },
  );
  assert.deepEqual(result.words, ['a', '"b c"', '$X', "'${Y}'", '${Z:-d}']);
});

test('a heredoc marker with spaces stays one word', () => {
  const result = expandWords('cat <<  EOF > out', () => undefined);
  assert.deepEqual(result.words, ['cat', '<<  EOF', '>', 'out']);
});

test('splitting drops the partial word before a ${v:-w} as BuildKit does', () => {
  const lookup = (): undefined => undefined;
  assert.deepEqual(expandWords('a${x:-y}b c', lookup).words, ['yb', 'c']);
  assert.deepEqual(expandWords('pre"${x:-y}" q', lookup).words, ['y', 'q']);
  assert.equal(expandWord('a${x:-y}b', lookup).value, 'ayb');
});

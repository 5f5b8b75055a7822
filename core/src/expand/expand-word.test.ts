// expandWord skips the lexer for words it cannot change; the result must be
// the lexer's, whatever the word, escape character and options.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import fc from 'fast-check';

import { expandWord } from './expand-word.ts';
import type { LexOptions } from './shell-lexer.ts';
import { lexShellWord } from './shell-lexer.ts';

const lookup = (name: string) => (name === 'SET' ? 'value' : undefined);

const word = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '$SET',
        '$UNSET',
        '"',
        "'",
        '\\',
        '`',
        ' ',
        '<<',
        '\ufeff',
      ),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

const options: fc.Arbitrary<LexOptions> = fc.record(
  {
    rawQuotes: fc.boolean(),
    rawEscapes: fc.boolean(),
    skipUnsetEnv: fc.boolean(),
    skipProcessQuotes: fc.boolean(),
  },
  { requiredKeys: [] },
);

test('expandWord gives what the lexer gives', () => {
  fc.assert(
    fc.property(word, fc.constantFrom('\\', '`'), options, (w, escape, o) => {
      const fast = expandWord(w, lookup, escape, o);
      const lexed = lexShellWord(w, lookup, escape, o);
      assert.equal(fast.error, lexed.error);
      if (lexed.error === undefined) assert.equal(fast.value, lexed.value);
      assert.deepEqual(fast.unmatched, lexed.unmatched);
    }),
    { numRuns: 2000 },
  );
});

test('a plain path comes back unchanged', () => {
  assert.deepEqual(expandWord('/usr/local/bin', lookup), {
    value: '/usr/local/bin',
    unmatched: [],
    matched: [],
  });
});

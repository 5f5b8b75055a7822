// CSV records as Go's encoding/csv reads one line of flag value.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { splitCsv } from './csv.ts';

test('type=cache,target=/x', () => {
  assert.deepEqual(splitCsv('type=cache,target=/x'), {
    ok: true,
    values: ['type=cache', 'target=/x'],
  });
});

test('keeps empty fields, first, last and alone', () => {
  assert.deepEqual(splitCsv(''), { ok: true, values: [''] });
  assert.deepEqual(splitCsv(',a,'), { ok: true, values: ['', 'a', ''] });
});

test('"a,""b""",c reads a quoted field with a literal quote', () => {
  assert.deepEqual(splitCsv('"a,""b""",c'), {
    ok: true,
    values: ['a,"b"', 'c'],
  });
});

test('reports quotes out of place with their column', () => {
  assert.deepEqual(splitCsv('ab"c'), {
    ok: false,
    error: 'parse error on line 1, column 3: bare " in non-quoted-field',
  });
  assert.deepEqual(splitCsv('"a"b'), {
    ok: false,
    error:
      'parse error on line 1, column 4: extraneous or missing " in quoted-field',
  });
  assert.deepEqual(splitCsv('x,"ab'), {
    ok: false,
    error:
      'parse error on line 1, column 6: extraneous or missing " in quoted-field',
  });
});

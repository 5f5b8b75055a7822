import { test } from 'node:test';
import assert from 'node:assert/strict';

import ignore from '@balena/dockerignore';
import fc from 'fast-check';

import {
  createIgnoreMatcher,
  parseDockerignore,
  readDockerignore,
} from './dockerignore.ts';

function matcher(text: string) {
  const result = readDockerignore(text);
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.matcher;
}

test('reads lines as BuildKit does: comments, blanks, !, leading slash, clean', () => {
  const text =
    '\uFEFF# comment\n\n  *.md  \n!README.md\n/build/\n./a/../b\n ! keep \n';
  assert.deepEqual(parseDockerignore(text), [
    '*.md',
    '!README.md',
    'build',
    'b',
    '!keep',
  ]);
});

test('a folder pattern leaves out what is inside it', () => {
  const m = matcher('node_modules\n');
  assert.equal(m.excludes('node_modules'), true);
  assert.equal(m.excludes('node_modules/a/b.js'), true);
  assert.equal(m.excludes('src/node_modules'), false);
});

test('*, ? and ** match as the Dockerfile reference says', () => {
  const m = matcher('*/temp*\n*/*/temp*\ntemp?\n**/*.log\n');
  assert.equal(m.excludes('somedir/temporary.txt'), true);
  assert.equal(m.excludes('somedir/subdir/temporary.txt'), true);
  assert.equal(m.excludes('tempa'), true);
  assert.equal(m.excludes('tempab'), false);
  assert.equal(m.excludes('a/b/c/x.log'), true);
  assert.equal(m.excludes('x.log'), true);
  assert.equal(m.excludes('temporary.txt'), false);
});

test('a later ! pattern brings a file back; a later pattern wins', () => {
  const m = matcher('*.md\n!README*.md\nREADME-secret.md\n');
  assert.equal(m.excludes('notes.md'), true);
  assert.equal(m.excludes('README.md'), false);
  assert.equal(m.excludes('README-secret.md'), true);
});

test('characters special to RegExp but not to Go match themselves', () => {
  const m = matcher('a+b.txt\n(x)\n');
  assert.equal(m.excludes('a+b.txt'), true);
  assert.equal(m.excludes('aab.txt'), false);
  assert.equal(m.excludes('aa+bxtxt'), false);
  assert.equal(m.excludes('(x)'), true);
});

test('matches case-sensitively, as BuildKit on Linux', () => {
  const m = matcher('Secret\n');
  assert.equal(m.excludes('Secret'), true);
  assert.equal(m.excludes('secret'), false);
});

test('reports the patterns BuildKit refuses', () => {
  assert.deepEqual(createIgnoreMatcher(['!']), {
    ok: false,
    error: 'illegal exclusion pattern: "!"',
  });
  assert.deepEqual(readDockerignore('a[b\n'), {
    ok: false,
    error: 'syntax error in pattern',
  });
  assert.equal(readDockerignore('a[bc]\n').ok, true);
});

// An independent, older port of the same rules (@balena/dockerignore,
// case-insensitive) must agree on lower-case names without RegExp specials,
// classes or `**` glued to a name.
test('agrees with another port of the rules on ordinary patterns', () => {
  const name = fc.constantFrom('a', 'b', 'ab', 'x.y', 'c_d', '.e');
  const part = fc.oneof(
    name,
    fc.constantFrom('*', '?', 'a*', '*.y', '**', '?b'),
  );
  const pattern = fc
    .tuple(fc.boolean(), fc.array(part, { minLength: 1, maxLength: 3 }))
    .map(([neg, parts]) => `${neg ? '!' : ''}${parts.join('/')}`);
  const path = fc
    .array(name, { minLength: 1, maxLength: 4 })
    .map((p) => p.join('/'));
  fc.assert(
    fc.property(
      fc.array(pattern, { minLength: 1, maxLength: 4 }),
      fc.array(path, { minLength: 1, maxLength: 6 }),
      (patterns, paths) => {
        const text = patterns.join('\n');
        if (!readDockerignore(text).ok) return;
        const ours = matcher(text);
        const theirs = ignore().add(text);
        for (const p of paths) {
          assert.equal(ours.excludes(p), theirs.ignores(p), `${text} / ${p}`);
        }
      },
    ),
    { numRuns: 400 },
  );
});

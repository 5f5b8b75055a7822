// Every row of shared/corpus/cdi/verdicts.tsv: does the file load, and does
// our error text contain the reference's quoted text where a row gives one.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

import { parseCdiSpec } from './parse-spec.ts';

const repoRoot = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const corpus = path.resolve(repoRoot, '../shared/corpus/cdi');

interface Verdict {
  file: string;
  valid: boolean;
  reason: string;
}

function readVerdicts(): Verdict[] {
  const lines = readFileSync(path.join(corpus, 'verdicts.tsv'), 'utf8').split(
    '\n',
  );
  return lines
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [file, verdict, reason] = l.split('\t') as [string, string, string];
      return { file, valid: verdict === 'valid', reason };
    });
}

/** Pulls the quoted reference text after `->` out of a reason, as fragments split at `...`. */
export function expectedFragments(reason: string, file: string): string[] {
  const arrow = reason.lastIndexOf('->');
  if (arrow < 0) return [];
  const m = /"((?:[^"\\]|\\.)*)"/.exec(reason.slice(arrow));
  if (!m) return [];
  const text = m[1]!.replace(/\\"/g, '"').replace(/<path>/g, file);
  return text
    .split('...')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const verdicts = readVerdicts();

describe('verdicts.tsv', () => {
  it('has rows to check', () => {
    assert.ok(verdicts.length >= 25);
  });
  for (const v of verdicts) {
    it(`${v.file} is ${v.valid ? 'valid' : 'invalid'}`, () => {
      const text = readFileSync(path.join(corpus, v.file), 'utf8');
      const parsed = parseCdiSpec(text, v.file);
      if (v.valid) {
        assert.deepEqual(parsed.diagnostics, []);
        assert.ok(parsed.spec);
        return;
      }
      assert.equal(parsed.spec, undefined);
      assert.equal(parsed.diagnostics.length, 1);
      const message = parsed.diagnostics[0]!.message;
      let from = 0;
      for (const fragment of expectedFragments(v.reason, v.file)) {
        const at = message.indexOf(fragment, from);
        assert.ok(
          at >= 0,
          `expected ${JSON.stringify(fragment)} in ${JSON.stringify(message)}`,
        );
        from = at + fragment.length;
      }
      assert.equal(parsed.diagnostics[0]!.location?.file, v.file);
    });
  }
});

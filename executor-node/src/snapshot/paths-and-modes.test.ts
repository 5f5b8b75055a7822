// Container paths stay inside the root; chmod values; wildcard sources.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { ensureDir } from './copy-files.ts';
import { parseChmod } from './file-mode.ts';
import { resolveInRoot } from './root-path.ts';
import { patternToRegExp, selectSources } from './source-select.ts';

function root(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-root-'));
  fs.mkdirSync(path.join(dir, 'usr/lib'), { recursive: true });
  fs.symlinkSync('/etc', path.join(dir, 'escape'));
  fs.symlinkSync('../../..', path.join(dir, 'usr/up'));
  fs.symlinkSync('usr/lib', path.join(dir, 'lib'));
  return dir;
}

test('absolute and climbing symlinks resolve inside the root', () => {
  const dir = root();
  assert.equal(
    resolveInRoot(dir, '/escape/passwd'),
    path.join(dir, 'etc/passwd'),
  );
  assert.equal(resolveInRoot(dir, '/usr/up/x'), path.join(dir, 'x'));
  assert.equal(resolveInRoot(dir, '/../../etc'), path.join(dir, 'etc'));
  assert.equal(
    resolveInRoot(dir, '/lib/libc.so'),
    path.join(dir, 'usr/lib/libc.so'),
  );
  assert.equal(resolveInRoot(dir, '/lib', false), path.join(dir, 'lib'));
});

test('octal and symbolic --chmod values', () => {
  assert.equal(parseChmod('755')(0o100644, false), 0o755);
  assert.equal(parseChmod('u+x')(0o644, false), 0o744);
  assert.equal(parseChmod('go-w,a+r')(0o666, false), 0o644);
  assert.equal(parseChmod('a+X')(0o644, true), 0o755);
  assert.equal(parseChmod('a+X')(0o644, false), 0o644);
  assert.equal(parseChmod('g=rx')(0o777, false), 0o757);
  assert.throws(() => parseChmod('bogus'), /invalid chmod value/);
});

test('wildcards follow Go filepath.Match', () => {
  assert.equal(patternToRegExp('*.txt').test('a.txt'), true);
  assert.equal(patternToRegExp('*.txt').test('a.txt.bak'), false);
  assert.equal(patternToRegExp('file?.md').test('file1.md'), true);
  assert.equal(patternToRegExp('[a-c]x').test('bx'), true);
  assert.equal(patternToRegExp('[^a-c]x').test('bx'), false);
});

test('sources match literally or by pattern, and report what is missing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-src-'));
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'docs/a.md'), '');
  fs.writeFileSync(path.join(dir, 'docs/b.txt'), '');
  fs.writeFileSync(path.join(dir, 'top.md'), '');

  const rels = selectSources(dir, ['docs/*.md', '/top.md']).map((m) => m.rel);
  assert.deepEqual(rels, ['docs/a.md', 'top.md']);
  assert.throws(
    () => selectSources(dir, ['missing.txt']),
    /failed to calculate checksum of ref: "\/missing.txt": not found/,
  );
  assert.throws(() => selectSources(dir, ['*.zip']), /"\/\*\.zip": not found/);
  assert.throws(
    () => selectSources(dir, ['top.md'], (rel) => rel === 'top.md'),
    /not found/,
  );
});

test('a folder made through a dangling symlink gets its missing parents', () => {
  const dir = root();
  fs.symlinkSync('/nonexistent/deeper', path.join(dir, 'link'));
  const made = ensureDir(dir, '/link/app');
  assert.equal(made, path.join(dir, 'nonexistent/deeper/app'));
  for (const rel of [
    'nonexistent',
    'nonexistent/deeper',
    'nonexistent/deeper/app',
  ]) {
    const st = fs.statSync(path.join(dir, rel));
    assert.ok(st.isDirectory(), rel);
    assert.equal(st.mode & 0o777, 0o755, rel);
  }
  assert.ok(fs.lstatSync(path.join(dir, 'link')).isSymbolicLink());
  fs.rmSync(dir, { recursive: true, force: true });
});

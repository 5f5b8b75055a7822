// Tests for the command-line splitter the case runner uses.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { splitShellWords } from './shell-words.ts';

const words = (line: string) => {
  const result = splitShellWords(line);
  assert.ok(result.ok, `expected ${line} to split`);
  return result.words;
};

test('docker buildx build --allow device .', () => {
  assert.deepEqual(words('docker buildx build --allow device .'), [
    'docker',
    'buildx',
    'build',
    '--allow',
    'device',
    '.',
  ]);
});

test('collapses runs of blanks and keeps --flag=value together', () => {
  assert.deepEqual(words('  build   --platform=linux/amd64,linux/arm64\t. '), [
    'build',
    '--platform=linux/amd64,linux/arm64',
    '.',
  ]);
});

test('keeps spaces inside single and double quotes', () => {
  assert.deepEqual(words(`--build-arg "MSG=hello world" --label 'a b'`), [
    '--build-arg',
    'MSG=hello world',
    '--label',
    'a b',
  ]);
});

test('joins adjacent quoted and plain parts into one word', () => {
  assert.deepEqual(words(`A="x y"'z'w`), ['A=x yzw']);
});

test('reads an empty quoted string as an empty word', () => {
  assert.deepEqual(words(`--build-arg X= "" ''`), [
    '--build-arg',
    'X=',
    '',
    '',
  ]);
});

test('applies backslash escapes outside and inside double quotes', () => {
  assert.deepEqual(words(String.raw`a\ b "c\"d" "e\nf" 'g\h'`), [
    'a b',
    'c"d',
    String.raw`e\nf`,
    String.raw`g\h`,
  ]);
});

test('drops backslash-newline continuations', () => {
  assert.deepEqual(words('build \\\n  --target x \\\n  .'), [
    'build',
    '--target',
    'x',
    '.',
  ]);
});

test('reports an unterminated quote', () => {
  assert.deepEqual(splitShellWords('build "oops'), {
    ok: false,
    error: 'unterminated " quote',
  });
});

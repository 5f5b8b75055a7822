import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  cleanPath,
  joinPath,
  normalizePath,
  resolveDestination,
} from './posix-path.ts';

test('cleans and joins like Go', () => {
  assert.equal(cleanPath('/a/./b/../c/'), '/a/c');
  assert.equal(cleanPath('../../x'), '../../x');
  assert.equal(cleanPath('/..'), '/');
  assert.equal(cleanPath(''), '.');
  assert.equal(joinPath('/', 'src', '../app'), '/app');
});

test('WORKDIR: relative paths join the current directory; absolute ones stay as written', () => {
  assert.equal(normalizePath('', 'app', false), '/app');
  assert.equal(normalizePath('/app', 'sub/..//x', false), '/app/x');
  assert.equal(normalizePath('/app', '/abs/../y', false), '/abs/../y');
  assert.equal(normalizePath('/app', '', false), '/app');
});

test('COPY destinations keep a trailing slash and resolve . against the workdir', () => {
  assert.equal(resolveDestination('/src', '.'), '/src/');
  assert.equal(resolveDestination('/src', 'bin/'), '/src/bin/');
  assert.equal(resolveDestination('/src', 'bin'), '/src/bin');
  assert.equal(resolveDestination('/', './'), '/');
  assert.equal(resolveDestination('/src', '/etc/x/'), '/etc/x/');
  assert.equal(resolveDestination('/src', 'a/.'), '/src/a/.');
});

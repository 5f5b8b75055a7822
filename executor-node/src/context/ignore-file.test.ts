import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { createContextFilter, findIgnoreFile } from './ignore-file.ts';

function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-ignore-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('the Dockerfile’s own ignore file wins over the context’s', async () => {
  const dir = folder({
    '.dockerignore': 'a\n',
    'docker/app.Dockerfile.dockerignore': 'b\n',
  });
  const own = await findIgnoreFile(
    dir,
    path.join(dir, 'docker/app.Dockerfile'),
  );
  assert.equal(own?.text, 'b\n');
  assert.equal(own?.own, true);
  assert.equal(own?.bytes, 2);

  const root = await findIgnoreFile(dir, path.join(dir, 'Dockerfile'));
  assert.equal(root?.text, 'a\n');
  assert.equal(root?.own, false);
  assert.equal(await findIgnoreFile(folder({})), undefined);
});

test('filters with BuildKit’s rules: parents, exceptions, ** and comments', () => {
  const result = createContextFilter(
    '/nonexistent',
    '# a comment\nnode_modules\n**/*.log\n!keep.log\n/build/\n',
  );
  assert.ok(result.ok);
  const { filter } = result;
  assert.equal(filter('node_modules/x/index.js'), true);
  assert.equal(filter('src/deep/debug.log'), true);
  assert.equal(filter('keep.log'), false);
  assert.equal(filter('build/out.o'), true);
  assert.equal(filter('src/build/out.o'), false);
  assert.equal(filter('# a comment'), false);
});

test('reads <context>/.dockerignore when given no text', () => {
  const dir = folder({ '.dockerignore': 'secret\n' });
  const result = createContextFilter(dir);
  assert.ok(result.ok);
  assert.equal(result.filter('secret'), true);
  assert.equal(result.filter('public'), false);
  const none = createContextFilter(dir, '');
  assert.ok(none.ok);
  assert.equal(none.filter('secret'), false);
});

test('fails on patterns BuildKit cannot compile, with its words', () => {
  assert.deepEqual(createContextFilter('/x', 'ok\n[abc\n'), {
    ok: false,
    error: 'syntax error in pattern',
  });
  assert.deepEqual(createContextFilter('/x', '!\n'), {
    ok: false,
    error: 'illegal exclusion pattern: "!"',
  });
});

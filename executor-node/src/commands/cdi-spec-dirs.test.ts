// Tests for reading CDI spec directories into prioritised spec files.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { readCdiSpecDirs } from './cdi-spec-dirs.ts';

let root = '';

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-cdi-dirs-'));
  await mkdir(path.join(root, 'etc'));
  await mkdir(path.join(root, 'run'));
  await mkdir(path.join(root, 'run', 'nested.yaml'));
  await writeFile(path.join(root, 'etc', 'b.yaml'), 'kind: b\n');
  await writeFile(path.join(root, 'etc', 'a.json'), '{"kind":"a"}');
  await writeFile(path.join(root, 'etc', 'notes.txt'), 'not a spec');
  await writeFile(path.join(root, 'etc', 'c.yml'), 'kind: c\n');
  await writeFile(path.join(root, 'run', 'z.yaml'), 'kind: z\n');
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('reads .json and .yaml files sorted by name, priority = directory index', async () => {
  const files = await readCdiSpecDirs([
    path.join(root, 'etc'),
    path.join(root, 'missing'),
    path.join(root, 'run'),
  ]);
  assert.deepEqual(
    files.map((file) => [path.relative(root, file.path), file.priority]),
    [
      [path.join('etc', 'a.json'), 0],
      [path.join('etc', 'b.yaml'), 0],
      [path.join('run', 'z.yaml'), 2],
    ],
  );
  assert.equal(files[1].text, 'kind: b\n');
});

test('shows files under the name the caller gives the directory', async () => {
  const files = await readCdiSpecDirs([
    { dir: path.join(root, 'run'), shownAs: '/var/run/cdi' },
  ]);
  assert.deepEqual(files, [
    { path: '/var/run/cdi/z.yaml', priority: 0, text: 'kind: z\n' },
  ]);
});

test('reads a spec file given in place of a directory, ignores other files', async () => {
  const files = await readCdiSpecDirs([
    path.join(root, 'etc', 'notes.txt'),
    path.join(root, 'etc', 'b.yaml'),
  ]);
  assert.deepEqual(files, [
    { path: path.join(root, 'etc', 'b.yaml'), priority: 1, text: 'kind: b\n' },
  ]);
});

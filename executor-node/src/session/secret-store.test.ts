import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { parseSecretSpec, SecretStore } from './secret-store.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-store-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

test('--secret values as buildx reads them', () => {
  assert.deepEqual(parseSecretSpec('id=a,src=/f'), { id: 'a', src: '/f' });
  assert.deepEqual(parseSecretSpec('id=a,source=/f'), { id: 'a', src: '/f' });
  assert.deepEqual(parseSecretSpec('id=a,env=VAR'), { id: 'a', env: 'VAR' });
  assert.deepEqual(parseSecretSpec('type=env,id=a,src=VAR'), {
    id: 'a',
    env: 'VAR',
  });
  assert.deepEqual(parseSecretSpec('ID=a,"src=/with,comma"'), {
    id: 'a',
    src: '/with,comma',
  });
});

test('malformed --secret values fail with buildx text', () => {
  assert.throws(
    () => parseSecretSpec('id=a,bare'),
    /^Error: invalid field 'bare' must be a key=value pair$/,
  );
  assert.throws(
    () => parseSecretSpec('type=vault,id=a'),
    /^Error: unsupported secret type "vault"$/,
  );
  assert.throws(
    () => parseSecretSpec('id=a,mode=0400'),
    /^Error: unexpected key 'mode' in 'mode=0400'$/,
  );
  assert.throws(
    () => new SecretStore([{ id: '' }]),
    /^Error: secret missing ID$/,
  );
});

test('files are checked up front and read on use', () => {
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 'v1');
  const store = SecretStore.fromFlags([`id=token,src=${file}`], {});
  fs.writeFileSync(file, 'v2');
  assert.equal(store.get('token')?.toString(), 'v2');
  assert.equal(store.get('other'), undefined);
  assert.equal(store.has('token'), true);

  const missing = path.join(dir, 'missing');
  assert.throws(
    () => SecretStore.fromFlags([`id=x,src=${missing}`], {}),
    new Error(
      `failed to stat ${missing}: stat ${missing}: no such file or directory`,
    ),
  );
  const big = path.join(dir, 'big');
  fs.writeFileSync(big, Buffer.alloc(500 * 1024 + 1));
  assert.throws(
    () => SecretStore.fromFlags([`id=big,src=${big}`], {}),
    /^Error: secret big too big\. max size 500KiB$/,
  );
});

test('a bare id reads the variable of that name, else the file of that name', () => {
  const env = { API_KEY: 'from-env', OTHER: 'x' };
  const viaEnv = SecretStore.fromFlags(['id=API_KEY'], env);
  assert.equal(viaEnv.get('API_KEY')?.toString(), 'from-env');

  const file = path.join(dir, 'named');
  fs.writeFileSync(file, 'from-file');
  const viaFile = SecretStore.fromFlags([`id=${file}`], env);
  assert.equal(viaFile.get(file)?.toString(), 'from-file');

  const renamed = SecretStore.fromFlags(['id=k,env=OTHER'], env);
  assert.equal(renamed.get('k')?.toString(), 'x');
  // An unset variable reads as empty, as buildx sends it.
  const unset = SecretStore.fromFlags(['id=k,env=UNSET'], env);
  assert.equal(unset.get('k')?.toString(), '');
});

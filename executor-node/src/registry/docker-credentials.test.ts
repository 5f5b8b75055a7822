import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  dockerConfigPath,
  readDockerCredentials,
} from './docker-credentials.ts';

function writeConfig(value: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-docker-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

test('reads base64 auth entries by host', () => {
  const lookup = readDockerCredentials(
    writeConfig({
      auths: {
        '127.0.0.1:5000': { auth: b64('alice:s3cr:et') },
        'https://ghcr.io': { username: 'bob', password: 'pw' },
      },
    }),
  );
  assert.deepEqual(lookup('127.0.0.1:5000'), {
    username: 'alice',
    password: 's3cr:et',
  });
  assert.deepEqual(lookup('ghcr.io'), { username: 'bob', password: 'pw' });
  assert.equal(lookup('quay.io'), undefined);
});

test('the Docker Hub entry serves registry-1.docker.io', () => {
  const lookup = readDockerCredentials(
    writeConfig({
      auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } },
    }),
  );
  assert.deepEqual(lookup('registry-1.docker.io'), {
    username: 'hub',
    password: 'pw',
  });
});

test('an identity token wins over a password', () => {
  const lookup = readDockerCredentials(
    writeConfig({
      auths: { 'r.example': { auth: b64('u:p'), identitytoken: 'refresh' } },
    }),
  );
  assert.deepEqual(lookup('r.example'), { identityToken: 'refresh' });
});

test('a missing file means no credentials; a broken one is an error', () => {
  assert.equal(
    readDockerCredentials('/nonexistent/config.json')('x'),
    undefined,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-docker-'));
  fs.writeFileSync(path.join(dir, 'config.json'), '{');
  assert.throws(
    () => readDockerCredentials(path.join(dir, 'config.json')),
    /failed to read registry credentials/,
  );
});

test('DOCKER_CONFIG moves the file', () => {
  assert.equal(
    dockerConfigPath({ DOCKER_CONFIG: '/etc/dc' }),
    '/etc/dc/config.json',
  );
});

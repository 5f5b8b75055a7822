import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { ContentStore, sha256Digest } from './content-store.ts';
import { staticCredentials } from './docker-credentials.ts';
import { parseRegistryReference } from './image-ref.ts';
import { RegistryClient } from './registry-client.ts';

// Two small HTTP servers: a registry behind Basic auth that sends blobs to a
// second host with a 307, as registries on object storage do.
const BLOB = Buffer.from('layer bytes');
const DIGEST = sha256Digest(BLOB);
const seen: { server: string; authorization?: string }[] = [];
let registry: http.Server;
let storage: http.Server;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    ),
  );
}

let registryHost = '';
before(async () => {
  storage = http.createServer((request, response) => {
    seen.push({
      server: 'storage',
      authorization: request.headers.authorization,
    });
    response.end(request.url === '/bad' ? Buffer.from('tampered') : BLOB);
  });
  const storagePort = await listen(storage);
  registry = http.createServer((request, response) => {
    seen.push({
      server: 'registry',
      authorization: request.headers.authorization,
    });
    if (!request.headers.authorization) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' });
      response.end();
      return;
    }
    const bad = request.url?.includes('bad');
    response.writeHead(307, {
      location: `http://localhost:${storagePort}/${bad ? 'bad' : 'blob'}`,
    });
    response.end();
  });
  registryHost = `127.0.0.1:${await listen(registry)}`;
});

after(() => {
  registry.close();
  storage.close();
});

function client() {
  return new RegistryClient({
    config: { hosts: { [registryHost]: { mirrors: [], http: true } } },
    credentials: staticCredentials({
      [registryHost]: { username: 'u', password: 'p' },
    }),
  });
}

test('follows a 307 for a blob without sending Authorization to the other host', async () => {
  seen.length = 0;
  const store = new ContentStore(
    fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-rc-')),
  );
  const ref = parseRegistryReference(`${registryHost}/team/app:v1`);
  await client().fetchBlob(
    ref,
    DIGEST,
    () => store.writer(DIGEST),
    () => {},
  );
  assert.equal(store.read(DIGEST).toString(), 'layer bytes');
  assert.deepEqual(
    seen.map((s) => [s.server, s.authorization !== undefined]),
    [
      ['registry', false],
      ['registry', true],
      ['storage', false],
    ],
  );
});

test('refuses redirected bytes that do not match the digest', async () => {
  const store = new ContentStore(
    fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-rc-')),
  );
  const ref = parseRegistryReference(`${registryHost}/team/bad:v1`);
  await assert.rejects(
    client().fetchBlob(
      ref,
      DIGEST,
      () => store.writer(DIGEST),
      () => {},
    ),
    /digest mismatch/,
  );
  assert.equal(store.has(DIGEST), false);
});

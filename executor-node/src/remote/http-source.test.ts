// ADD's downloads against a small HTTP server on 127.0.0.1: cache keys,
// ETag revalidation, the pinned checksum and BuildKit's error texts.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { SecretStore } from '../session/secret-store.ts';
import { fileNameOf, HttpSource, modTimeOf } from './http-source.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-source-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = { '/a.txt': 'first body\n' };
const requests: { url: string; headers: http.IncomingHttpHeaders }[] = [];
let base = '';
const server = http.createServer((req, res) => {
  requests.push({ url: req.url ?? '', headers: req.headers });
  const body = files[req.url ?? ''];
  if (body === undefined) {
    res.writeHead(404).end('no');
    return;
  }
  const etag = `"${sha(body).slice(0, 16)}"`;
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag }).end();
    return;
  }
  res.writeHead(200, {
    ETag: etag,
    'Last-Modified': 'Wed, 21 Oct 2015 07:28:00 GMT',
  });
  res.end(body);
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

function sha(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

test('the key holds name, digest and Last-Modified', async () => {
  // A pinned checksum fetches nothing.
  const source = new HttpSource(path.join(dir, 'one'));
  const seen = requests.length;
  const key = JSON.parse(await source.key(`${base}/a.txt`));
  assert.deepEqual(key, {
    filename: 'a.txt',
    checksum: `sha256:${sha('first body\n')}`,
    lastModified: 'Wed, 21 Oct 2015 07:28:00 GMT',
  });
  const pinned = `sha256:${sha('anything')}`;
  assert.deepEqual(
    JSON.parse(await new HttpSource(dir).key(`${base}/x`, pinned)),
    {
      filename: 'x',
      checksum: pinned,
    },
  );
  assert.equal(requests.length, seen + 1);
  // Within one build the body is fetched once.
  const got = await source.fetch(`${base}/a.txt`);
  assert.equal(fs.readFileSync(got.file, 'utf8'), 'first body\n');
  assert.equal(requests.length, seen + 1);
});

test('a later build revalidates with If-None-Match and sees changes', async () => {
  const cache = path.join(dir, 'two');
  files['/b.txt'] = 'version 1';
  const first = await new HttpSource(cache).fetch(`${base}/b.txt`);
  assert.equal(first.held, false);
  const again = await new HttpSource(cache).fetch(`${base}/b.txt`);
  const last = requests.at(-1);
  assert.ok(last?.headers['if-none-match']);
  assert.equal(fs.readFileSync(again.file, 'utf8'), 'version 1');
  assert.equal(again.held, true, 'an earlier build fetched this body');

  files['/b.txt'] = 'version 2';
  const changed = await new HttpSource(cache).fetch(`${base}/b.txt`);
  assert.equal(changed.held, false);
  assert.equal(fs.readFileSync(changed.file, 'utf8'), 'version 2');
  assert.equal(changed.digest, `sha256:${sha('version 2')}`);
});

test('a checksum the cache holds needs no request; a wrong one fails', async () => {
  const cache = path.join(dir, 'three');
  files['/c.txt'] = 'pinned';
  const good = `sha256:${sha('pinned')}`;
  await new HttpSource(cache).fetch(`${base}/c.txt`, good);
  const seen = requests.length;
  await new HttpSource(cache).fetch(`${base}/c.txt`, good);
  assert.equal(requests.length, seen);

  const wrong = `sha256:${'0'.repeat(64)}`;
  await assert.rejects(
    new HttpSource(cache).fetch(`${base}/c.txt`, wrong),
    new Error(
      `digest mismatch for ${base}/c.txt: ${good} (expected: ${wrong})`,
    ),
  );
});

test('bad statuses and unreachable hosts fail as BuildKit words them', async () => {
  const source = new HttpSource(path.join(dir, 'four'));
  await assert.rejects(
    source.fetch(`${base}/missing`),
    new Error('invalid response status 404'),
  );
  await assert.rejects(
    source.fetch('http://127.0.0.1:9/nothing'),
    /^Error: Get "http:\/\/127\.0\.0\.1:9\/nothing": /,
  );
});

test('HTTP_AUTH_TOKEN_<host> and HTTP_AUTH_HEADER_<host> secrets authorize', async () => {
  files['/private'] = 'secret body';
  const secrets = SecretStore.fromFlags(
    ['id=HTTP_AUTH_TOKEN_127.0.0.1,env=TOKEN'],
    { TOKEN: 't0k3n' },
  );
  await new HttpSource(path.join(dir, 'five'), { secrets }).fetch(
    `${base}/private`,
  );
  assert.equal(requests.at(-1)?.headers.authorization, 'Bearer t0k3n');
  const header = SecretStore.fromFlags(
    ['id=HTTP_AUTH_HEADER_127.0.0.1,env=H'],
    { H: 'Basic abc' },
  );
  await new HttpSource(path.join(dir, 'six'), { secrets: header }).fetch(
    `${base}/private`,
  );
  assert.equal(requests.at(-1)?.headers.authorization, 'Basic abc');
});

test('file names come from the URL path, as the Dockerfile frontend picks them', () => {
  assert.equal(
    fileNameOf('https://example.com/dir/app.tar.gz?x=1'),
    'app.tar.gz',
  );
  assert.equal(fileNameOf('https://example.com/a%20b.txt'), 'a b.txt');
  assert.equal(fileNameOf('https://example.com/'), '__unnamed__');
  assert.equal(fileNameOf('https://example.com'), '__unnamed__');
  assert.equal(modTimeOf('Wed, 21 Oct 2015 07:28:00 GMT'), 1445412480);
  assert.equal(modTimeOf(undefined), 0);
});

// ADD <http(s) URL>: downloads with Node's fetch into a per-URL cache (ETag
// revalidation), the sha256 and Last-Modified BuildKit keys the step by, the
// pinned `--checksum` check, and the file as BuildKit writes it (mode 0600,
// mtime from Last-Modified or the epoch).

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { BuildSession } from '../session/build-session.ts';

/** A downloaded URL, ready to copy. */
export interface Download {
  /** The cached body. */
  file: string;
  /** `sha256:<hex>` of the body. */
  digest: string;
  /** The Last-Modified header, if the server sent one. */
  lastModified?: string;
  /** Whether an earlier build's download served it (304, or a pinned digest held). */
  held: boolean;
}

/** What the cache keeps beside a body. */
interface Meta {
  url: string;
  digest: string;
  etag?: string;
  lastModified?: string;
}

const USER_AGENT = 'slipway (BuildKit-compatible)';

/** Downloads ADD URLs once per build and keeps them between builds. */
export class HttpSource {
  private readonly downloads = new Map<string, Promise<Download>>();

  constructor(
    private readonly dir: string,
    private readonly session: BuildSession = {},
  ) {}

  /**
   * Returns the part of the step's cache key this URL gives: with a pinned
   * checksum, the name and checksum alone (nothing is fetched); otherwise
   * the name, the body's digest and its Last-Modified, after a download.
   */
  async key(url: string, checksum?: string): Promise<string> {
    const filename = fileNameOf(url);
    if (checksum) return JSON.stringify({ filename, checksum });
    const got = await this.fetch(url);
    const key = { filename, checksum: got.digest };
    return JSON.stringify(
      got.lastModified ? { ...key, lastModified: got.lastModified } : key,
    );
  }

  /** Returns the URL's body, downloading it (once per build) when needed. */
  fetch(url: string, checksum?: string): Promise<Download> {
    let pending = this.downloads.get(url);
    if (!pending) {
      pending = this.download(url, checksum);
      this.downloads.set(url, pending);
      pending.catch(() => this.downloads.delete(url));
    }
    return pending.then((got) => {
      if (checksum && got.digest !== checksum) {
        throw new Error(
          `digest mismatch for ${url}: ${got.digest} (expected: ${checksum})`,
        );
      }
      return got;
    });
  }

  private async download(url: string, checksum?: string): Promise<Download> {
    const entry = path.join(this.dir, sha256(url));
    const meta = readMeta(entry, url);
    // A pinned checksum the cache already holds needs no request at all.
    if (meta && checksum && meta.digest === checksum)
      return toDownload(entry, meta, true);

    const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
    Object.assign(headers, this.authHeader(url));
    if (meta?.etag) headers['If-None-Match'] = meta.etag;
    let response: Response;
    try {
      response = await fetch(url, { headers });
    } catch (error) {
      const cause = (error as { cause?: Error }).cause;
      throw new Error(
        `Get "${url}": ${cause?.message ?? (error as Error).message}`,
      );
    }
    if (response.status === 304 && meta) {
      await response.body?.cancel();
      return toDownload(entry, meta, true);
    }
    if (response.status < 200 || response.status >= 400) {
      await response.body?.cancel();
      throw new Error(`invalid response status ${response.status}`);
    }
    return this.save(entry, url, response, meta);
  }

  /** Writes the body beside the cache entry, then renames it into place. */
  private async save(
    entry: string,
    url: string,
    response: Response,
    previous: Meta | undefined,
  ): Promise<Download> {
    fs.mkdirSync(entry, { recursive: true });
    const partial = path.join(entry, `data.tmp-${process.pid}`);
    const hash = crypto.createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const body = response.body
      ? Readable.fromWeb(
          response.body as import('node:stream/web').ReadableStream,
        )
      : Readable.from([]);
    await pipeline(body, tap, fs.createWriteStream(partial, { mode: 0o600 }));
    fs.renameSync(partial, path.join(entry, 'data'));

    const meta: Meta = { url, digest: `sha256:${hash.digest('hex')}` };
    const etag = response.headers.get('etag');
    const lastModified = response.headers.get('last-modified');
    if (etag) meta.etag = etag;
    if (lastModified) meta.lastModified = lastModified;
    fs.writeFileSync(path.join(entry, 'meta.json'), JSON.stringify(meta));
    // The same body and date again count as held: BuildKit keys a download
    // by its digest and Last-Modified, not by how it arrived.
    const same =
      previous?.digest === meta.digest &&
      previous.lastModified === meta.lastModified;
    return toDownload(entry, meta, same);
  }

  /** BuildKit's per-host auth secrets: HTTP_AUTH_HEADER_<host>, HTTP_AUTH_TOKEN_<host>. */
  private authHeader(url: string): Record<string, string> {
    const secrets = this.session.secrets;
    if (!secrets) return {};
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return {};
    }
    const header = secrets.get(`HTTP_AUTH_HEADER_${host}`);
    const token = secrets.get(`HTTP_AUTH_TOKEN_${host}`);
    if (token !== undefined) return { Authorization: `Bearer ${token}` };
    if (header !== undefined) return { Authorization: header.toString() };
    return {};
  }
}

/**
 * Returns the name the downloaded file gets, as the Dockerfile frontend picks
 * it: the URL path's last element, else `__unnamed__`, made safe.
 */
export function fileNameOf(url: string): string {
  let name = '__unnamed__';
  try {
    const pathname = decodeURIComponent(new URL(url).pathname);
    const base = path.posix.basename(pathname);
    if (base !== '' && base !== '.' && base !== '/') name = base;
  } catch {
    // An unreadable URL keeps the default name.
  }
  const safe = name.trim();
  if (safe === '' || safe === '.' || safe === '..') return 'download';
  return /[\u0000-\u001f\u007f-\u009f]/.test(safe) ? 'download' : safe;
}

/** Parses an HTTP date into seconds since the epoch; 0 when absent or bad. */
export function modTimeOf(lastModified: string | undefined): number {
  if (!lastModified) return 0;
  const ms = Date.parse(lastModified);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function readMeta(entry: string, url: string): Meta | undefined {
  try {
    const meta = JSON.parse(
      fs.readFileSync(path.join(entry, 'meta.json'), 'utf8'),
    ) as Meta;
    if (meta.url !== url || !fs.existsSync(path.join(entry, 'data'))) {
      return undefined;
    }
    return meta;
  } catch {
    return undefined;
  }
}

function toDownload(entry: string, meta: Meta, held: boolean): Download {
  return {
    file: path.join(entry, 'data'),
    digest: meta.digest,
    ...(meta.lastModified ? { lastModified: meta.lastModified } : {}),
    held,
  };
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

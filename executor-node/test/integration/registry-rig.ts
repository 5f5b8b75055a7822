// A real registry for tests: Debian's docker-registry on 127.0.0.1 with a
// temporary root and a free port, anonymous, behind htpasswd (bcrypt), or
// behind a small token server that signs ES256 JWTs with an openssl cert.

import {
  execFile,
  execFileSync,
  spawn,
  type ChildProcess,
} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { skipReason } from './harness.ts';

/** How the registry wants callers to authenticate. */
export type RigFlavour = 'anonymous' | 'htpasswd' | 'token';

/** A running registry. */
export interface RegistryRig {
  flavour: RigFlavour;
  /** `127.0.0.1:PORT`, the registry part of references. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** The user that may push (htpasswd and token flavours). */
  user: { username: string; password: string };
  /** Requests the token server answered, newest last (token flavour). */
  tokenRequests: TokenRequest[];
  /** The storage root, for tests that corrupt blobs on disk. */
  root: string;
  stop(): Promise<void>;
}

/** One request the token server saw. */
export interface TokenRequest {
  account?: string;
  scopes: string[];
  granted: string[];
}

const run = promisify(execFile);
const USER = { username: 'rig', password: 'rig-secret' };
const SERVICE = 'slipway-rig';
const ISSUER = 'slipway-rig-issuer';

/** Reports why the rig cannot start here, or `undefined` when it can. */
export function rigBlocker(): string | undefined {
  for (const tool of ['docker-registry', 'skopeo', 'htpasswd', 'openssl']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `${tool} is missing (apt-get install docker-registry skopeo apache2-utils openssl)`;
    }
  }
  return undefined;
}

/**
 * Says why registry tests skip here, or `undefined` when they run; under CI
 * a missing tool fails the file instead, so the tests are never skipped
 * there by accident.
 */
export function rigSkipReason(): string | undefined {
  const reason = rigBlocker() ?? skipReason();
  if (reason && process.env.CI === 'true') {
    throw new Error(`registry tests cannot run under CI: ${reason}`);
  }
  return reason;
}

/** Starts a registry of the given flavour; stop it when done. */
export async function startRegistry(flavour: RigFlavour): Promise<RegistryRig> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: http.Server | undefined;
  let auth = '';

  if (flavour === 'htpasswd') {
    const line = execFileSync('htpasswd', [
      '-Bbn',
      USER.username,
      USER.password,
    ]);
    fs.writeFileSync(path.join(root, 'htpasswd'), line);
    auth = `auth:\n  htpasswd:\n    realm: slipway-rig\n    path: ${root}/htpasswd\n`;
  } else if (flavour === 'token') {
    const keys = makeSigningCert(root);
    tokenServer = await startTokenServer(keys, tokenRequests);
    const realm = `http://127.0.0.1:${(tokenServer.address() as net.AddressInfo).port}/token`;
    auth = [
      'auth:',
      '  token:',
      `    realm: ${realm}`,
      `    service: ${SERVICE}`,
      `    issuer: ${ISSUER}`,
      `    rootcertbundle: ${keys.certFile}`,
      '    autoredirect: false',
      '',
    ].join('\n');
  }

  const config = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${root}/data`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${host}`,
    'health:',
    '  storagedriver:',
    '    enabled: false',
    auth,
  ].join('\n');
  fs.writeFileSync(path.join(root, 'config.yml'), config);

  const child = spawn(
    'docker-registry',
    ['serve', path.join(root, 'config.yml')],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  await waitUntilServing(`http://${host}/v2/`, child, () => stderr);

  return {
    flavour,
    host,
    url: `http://${host}`,
    user: USER,
    tokenRequests,
    root,
    async stop() {
      await stopChild(child);
      await new Promise((resolve) =>
        tokenServer ? tokenServer.close(resolve) : resolve(undefined),
      );
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Copies an image with skopeo; `--all` keeps every platform of an index.
 * Asynchronous, since the token server answers from this process.
 */
export async function skopeoCopy(
  from: string,
  to: string,
  options: { srcCreds?: string; destCreds?: string } = {},
): Promise<void> {
  const args = [
    'copy',
    '--all',
    '--quiet',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
  ];
  if (options.srcCreds) args.push('--src-creds', options.srcCreds);
  if (options.destCreds) args.push('--dest-creds', options.destCreds);
  args.push(from, to);
  await run('skopeo', ['--insecure-policy', ...args]);
}

/** Returns the raw manifest skopeo reads for a reference (`docker://...`). */
export async function skopeoRawManifest(
  ref: string,
  creds?: string,
): Promise<string> {
  const args = ['--insecure-policy', 'inspect', '--raw', '--tls-verify=false'];
  if (creds) args.push('--creds', creds);
  return (await run('skopeo', [...args, ref])).stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilServing(
  url: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `docker-registry exited with ${child.exitCode}: ${stderr()}`,
      );
    }
    try {
      const response = await fetch(url);
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`docker-registry did not start: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

interface SigningKeys {
  key: crypto.KeyObject;
  /** The certificate in DER, base64 (the JWT header's x5c entry). */
  certDer: string;
  certFile: string;
}

/** Makes an EC P-256 key and a self-signed certificate with openssl. */
function makeSigningCert(root: string): SigningKeys {
  const keyFile = path.join(root, 'token-key.pem');
  const certFile = path.join(root, 'token-cert.pem');
  execFileSync('openssl', [
    'ecparam',
    '-name',
    'prime256v1',
    '-genkey',
    '-noout',
    '-out',
    keyFile,
  ]);
  execFileSync(
    'openssl',
    [
      'req',
      '-new',
      '-x509',
      '-key',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=slipway-rig-token',
    ],
    { stdio: 'ignore' },
  );
  const pem = fs.readFileSync(certFile, 'utf8');
  const certDer = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return {
    key: crypto.createPrivateKey(fs.readFileSync(keyFile)),
    certDer,
    certFile,
  };
}

/**
 * Answers `GET /token?service=&scope=...`: pull for anyone, push only with
 * the rig user's Basic credentials; wrong credentials get a 401.
 */
function startTokenServer(
  keys: SigningKeys,
  seen: TokenRequest[],
): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://token');
    if (url.pathname !== '/token') {
      response.writeHead(404).end();
      return;
    }
    const account = basicUser(request.headers.authorization);
    if (account === null) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(
        '{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}',
      );
      return;
    }
    const scopes = url.searchParams
      .getAll('scope')
      .flatMap((s) => s.split(' '));
    const access = scopes.flatMap((scope) =>
      grant(scope, account !== undefined),
    );
    seen.push({
      account,
      scopes,
      granted: access.map((a) => `${a.type}:${a.name}:${a.actions.join(',')}`),
    });
    const token = signToken(
      keys,
      url.searchParams.get('service') ?? SERVICE,
      account,
      access,
    );
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: 300,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(server)),
  );
}

interface Access {
  type: string;
  name: string;
  actions: string[];
}

function grant(scope: string, authenticated: boolean): Access[] {
  const [type, ...rest] = scope.split(':');
  const actions = (rest.pop() ?? '').split(',');
  const name = rest.join(':');
  if (type !== 'repository' || !name) return [];
  const allowed = actions.filter(
    (a) => a === 'pull' || (authenticated && a === 'push'),
  );
  return allowed.length > 0 ? [{ type, name, actions: allowed }] : [];
}

/** Returns the user of valid Basic credentials, `undefined` without any, `null` when wrong. */
function basicUser(header: string | undefined): string | undefined | null {
  if (!header) return undefined;
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'basic' || !value) return null;
  const [user, ...password] = Buffer.from(value, 'base64')
    .toString()
    .split(':');
  return user === USER.username && password.join(':') === USER.password
    ? user
    : null;
}

function signToken(
  keys: SigningKeys,
  service: string,
  subject: string | undefined,
  access: Access[],
): string {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'ES256', typ: 'JWT', x5c: [keys.certDer] };
  const claims = {
    iss: ISSUER,
    sub: subject ?? '',
    aud: service,
    exp: now + 300,
    nbf: now - 10,
    iat: now,
    jti: crypto.randomBytes(8).toString('hex'),
    access,
  };
  const body = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign('sha256', Buffer.from(body), {
    key: keys.key,
    dsaEncoding: 'ieee-p1363',
  });
  return `${body}.${signature.toString('base64url')}`;
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}

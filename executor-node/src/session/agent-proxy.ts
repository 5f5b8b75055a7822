// A read-only window on an ssh-agent: a new Unix socket that passes key
// listing and signing through to the real agent and refuses everything else
// (adding, removing, locking, extensions), as BuildKit's forwarded agent does.

import fs from 'node:fs';
import net from 'node:net';

/** Who may use the socket: its owner and permission bits. */
export interface SocketAccess {
  uid: number;
  gid: number;
  mode: number;
}

/** A listening proxy socket; `close` stops it and removes the socket file. */
export interface AgentProxy {
  path: string;
  close(): Promise<void>;
}

const REQUEST_IDENTITIES = 11;
const SIGN_REQUEST = 13;
const FAILURE = Buffer.from([0, 0, 0, 1, 5]);
/** The agent protocol's own limit on a message. */
const MAX_MESSAGE = 256 * 1024;

/** Listens on `socketPath` and forwards each connection to `upstream`. */
export async function startAgentProxy(
  upstream: string,
  socketPath: string,
  access: SocketAccess,
): Promise<AgentProxy> {
  const clients = new Set<net.Socket>();
  const server = net.createServer((client) => {
    clients.add(client);
    client.on('close', () => clients.delete(client));
    serveClient(client, upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chownSync(socketPath, access.uid, access.gid);
  fs.chmodSync(socketPath, access.mode & 0o777);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.destroy();
        server.close(() => {
          fs.rmSync(socketPath, { force: true });
          resolve();
        });
      }),
  };
}

/** Answers one client's requests in order, one at a time. */
function serveClient(client: net.Socket, upstream: string): void {
  let agent: AgentConnection | undefined;
  let pending = Buffer.alloc(0);
  let chain = Promise.resolve();

  client.on('data', (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 4) return;
      const length = pending.readUInt32BE(0);
      if (length === 0 || length > MAX_MESSAGE) {
        client.destroy();
        return;
      }
      if (pending.length < 4 + length) return;
      const message = pending.subarray(0, 4 + length);
      pending = pending.subarray(4 + length);
      chain = chain.then(async () => {
        if (!isAllowed(message)) {
          client.write(FAILURE);
          return;
        }
        agent ??= new AgentConnection(upstream);
        const reply = await agent.request(message).catch(() => FAILURE);
        if (!client.destroyed) client.write(reply);
      });
    }
  });
  client.on('close', () => agent?.close());
  client.on('error', () => agent?.close());
}

function isAllowed(message: Buffer): boolean {
  const type = message[4];
  return type === REQUEST_IDENTITIES || type === SIGN_REQUEST;
}

/** One connection to the real agent, read one framed reply at a time. */
class AgentConnection {
  private readonly socket: net.Socket;
  private buffer = Buffer.alloc(0);
  private waiting?: {
    resolve: (b: Buffer) => void;
    reject: (e: Error) => void;
  };

  constructor(path: string) {
    this.socket = net.createConnection(path);
    this.socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    const fail = (error?: Error) => {
      this.waiting?.reject(error ?? new Error('agent connection closed'));
      this.waiting = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail());
  }

  request(message: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(message);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    if (!this.waiting || this.buffer.length < 4) return;
    const length = this.buffer.readUInt32BE(0);
    if (this.buffer.length < 4 + length) return;
    const reply = this.buffer.subarray(0, 4 + length);
    this.buffer = this.buffer.subarray(4 + length);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(Buffer.from(reply));
  }
}

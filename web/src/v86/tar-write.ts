// Packs a file tree as a tar archive (ustar, with PAX records for long
// names), sorted by path, for the playground's export download.

import { walkTree, type DirNode, type TreeNode } from './file-tree.ts';

const encoder = new TextEncoder();

/** Returns `tree` as a tar archive with paths relative to its root. */
export function writeTar(tree: DirNode): Uint8Array {
  const chunks: Uint8Array[] = [];
  walkTree(tree, (path, node) => chunks.push(...entry(path.slice(1), node)));
  chunks.push(new Uint8Array(1024));
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function entry(path: string, node: TreeNode): Uint8Array[] {
  const name = node.type === 'dir' ? `${path}/` : path;
  const link = node.type === 'symlink' ? node.target : '';
  const data = node.type === 'file' ? node.data : new Uint8Array(0);
  const out: Uint8Array[] = [];
  const pax: string[] = [];
  if (encoder.encode(name).length > 100) pax.push(paxRecord('path', name));
  if (encoder.encode(link).length > 100) pax.push(paxRecord('linkpath', link));
  if (pax.length > 0) {
    const body = encoder.encode(pax.join(''));
    out.push(
      header('././@PaxHeader', 'x', body.length, node, ''),
      ...padded(body),
    );
  }
  const flag =
    node.type === 'dir'
      ? '5'
      : node.type === 'symlink'
        ? '2'
        : node.type === 'special'
          ? { char: '3', block: '4', fifo: '6' }[node.kind]
          : '0';
  out.push(header(name, flag, data.length, node, link), ...padded(data));
  return out;
}

/** Builds one 512-byte ustar header. */
function header(
  name: string,
  flag: string,
  size: number,
  node: TreeNode,
  link: string,
): Uint8Array {
  const h = new Uint8Array(512);
  const put = (text: string, at: number, len: number) =>
    h.set(encoder.encode(text).subarray(0, len), at);
  const num = (value: number, at: number, len: number) =>
    put(`${value.toString(8).padStart(len - 1, '0')}\0`, at, len);
  put(name, 0, 100);
  num(node.mode & 0o7777, 100, 8);
  num(node.uid, 108, 8);
  num(node.gid, 116, 8);
  num(size, 124, 12);
  num(Math.max(0, Math.floor(node.mtime)), 136, 12);
  put('        ', 148, 8);
  put(flag, 156, 1);
  put(link, 157, 100);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  if (node.type === 'special') {
    num(node.major, 329, 8);
    num(node.minor, 337, 8);
  }
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

function padded(data: Uint8Array): Uint8Array[] {
  if (data.length === 0) return [];
  const rest = (512 - (data.length % 512)) % 512;
  return rest === 0 ? [data] : [data, new Uint8Array(rest)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const size = encoder.encode(body).length;
  let total = size + String(size).length;
  while (String(total).length + size !== total) {
    total = String(total).length + size;
  }
  return `${total}${body}`;
}

// The browser executor's file trees without the guest: tar layers in and
// out, whiteouts, COPY rules, USER lookup and the job spec encoding.

import { expect } from '@esm-bundle/chai';
import {
  diffTrees,
  emptyDir,
  lookup,
  putNode,
  walkTree,
  type DirNode,
  type FileNode,
} from '../src/v86/file-tree.ts';
import { encodeJobSpec } from '../src/v86/job-spec.ts';
import { applyLayer, readTar } from '../src/v86/tar-layer.ts';
import { writeTar } from '../src/v86/tar-write.ts';
import { copyTree } from '../src/v86/tree-copy.ts';
import { resolveUser } from '../src/v86/tree-users.ts';

const text = (s: string) => new TextEncoder().encode(s);
const meta = { mode: 0o644, uid: 0, gid: 0, mtime: 0 };

function file(root: DirNode, path: string, content: string, mode = 0o644) {
  putNode(root, path, { type: 'file', ...meta, mode, data: text(content) });
}

function read(root: DirNode, path: string): string | undefined {
  const found = lookup(root, path);
  return found?.node.type === 'file'
    ? new TextDecoder().decode((found.node as FileNode).data)
    : undefined;
}

function paths(root: DirNode): string[] {
  const out: string[] = [];
  walkTree(root, (p) => out.push(p));
  return out;
}

function copyRequest(sources: string[], dest: string, extra = {}) {
  return {
    instruction: 'COPY' as const,
    sources,
    dest,
    parents: false,
    exclude: [],
    ...extra,
  };
}

describe('v86 file trees', () => {
  it('writes a tree as tar and reads it back the same', () => {
    const root = emptyDir();
    file(root, '/etc/passwd', 'root:x:0:0::/root:/bin/sh\n');
    file(root, '/bin/tool', '#!/bin/sh\n', 0o755);
    putNode(root, '/bin/sh', {
      type: 'symlink',
      ...meta,
      mode: 0o777,
      target: 'busybox',
    });
    const long = `/deep/${'d'.repeat(120)}/file`;
    file(root, long, 'long name');
    putNode(root, '/home/user', { ...emptyDir(0o700, 1000, 1000) });

    const back = emptyDir();
    applyLayer(back, readTar(writeTar(root)));
    expect(paths(back)).to.deep.equal(paths(root));
    expect(diffTrees(root, back)).to.deep.equal([]);
    expect(read(back, long)).to.equal('long name');
    const home = lookup(back, '/home/user')!.node;
    expect([home.mode, home.uid, home.gid]).to.deep.equal([0o700, 1000, 1000]);
  });

  it('applies whiteouts and opaque folders from a later layer', () => {
    const base = emptyDir();
    file(base, '/a/keep', '1');
    file(base, '/a/gone', '2');
    file(base, '/b/old', '3');
    const upper = emptyDir();
    file(upper, '/a/.wh.gone', '');
    file(upper, '/b/.wh..wh..opq', '');
    file(upper, '/b/new', '4');
    const root = emptyDir();
    applyLayer(root, readTar(writeTar(base)));
    applyLayer(root, readTar(writeTar(upper)));
    expect(paths(root)).to.deep.equal(['/a', '/a/keep', '/b', '/b/new']);
  });

  it('copies files and folder contents the way COPY does', () => {
    const src = emptyDir();
    file(src, '/app/main.sh', 'echo', 0o755);
    file(src, '/app/lib/x.txt', 'x');
    file(src, '/notes.md', 'n');
    const dest = emptyDir();
    file(dest, '/etc/passwd', 'app:x:100:101::/:/bin/sh\n');
    file(dest, '/etc/group', 'app:x:101:\n');

    copyTree(src, dest, copyRequest(['/app'], '/srv'), true);
    expect(read(dest, '/srv/main.sh')).to.equal('echo');
    expect(read(dest, '/srv/lib/x.txt')).to.equal('x');

    copyTree(src, dest, copyRequest(['/*.md'], '/docs/'), true);
    expect(read(dest, '/docs/notes.md')).to.equal('n');

    copyTree(
      src,
      dest,
      copyRequest(['/notes.md'], '/renamed.md', { chown: 'app', chmod: '600' }),
      false,
    );
    const copied = lookup(dest, '/renamed.md')!.node;
    expect([copied.uid, copied.gid, copied.mode]).to.deep.equal([
      100, 101, 0o600,
    ]);

    expect(() =>
      copyTree(src, dest, copyRequest(['/missing'], '/x'), true),
    ).to.throw(/not found/);
  });

  it('resolves USER against passwd and group', () => {
    const root = emptyDir();
    file(
      root,
      '/etc/passwd',
      'root:x:0:0::/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\nme:x:1000:1000::/home/me:/bin/sh\n',
    );
    file(root, '/etc/group', 'root:x:0:\nwheel:x:10:me\nme:x:1000:\n');
    expect(resolveUser(root, '')).to.deep.equal({
      uid: 0,
      gid: 0,
      additionalGids: [],
    });
    expect(resolveUser(root, 'me')).to.deep.equal({
      uid: 1000,
      gid: 1000,
      additionalGids: [10],
    });
    expect(resolveUser(root, 'nobody:wheel')).to.deep.equal({
      uid: 65534,
      gid: 10,
      additionalGids: [],
    });
    expect(resolveUser(root, '4242')).to.deep.equal({
      uid: 4242,
      gid: 0,
      additionalGids: [],
    });
    expect(() => resolveUser(root, 'ghost')).to.throw(
      'unable to find user ghost: no matching entries in passwd file',
    );
  });

  it('follows symlinks inside the root only', () => {
    const root = emptyDir();
    file(root, '/usr/bin/tool', 't');
    putNode(root, '/bin', { type: 'symlink', ...meta, target: 'usr/bin' });
    putNode(root, '/escape', {
      type: 'symlink',
      ...meta,
      target: '../../../usr',
    });
    expect(read(root, '/bin/tool')).to.equal('t');
    expect(read(root, '/escape/bin/tool')).to.equal('t');
    expect(lookup(root, '/bin', false)!.node.type).to.equal('symlink');
  });

  it('encodes the exec helper spec as NUL-terminated fields', () => {
    const bytes = encodeJobSpec(
      {
        args: ['sh', '-c', 'echo hi'],
        env: ['A=1'],
        cwd: '/w',
        uid: 5,
        gid: 6,
        additionalGids: [7],
      },
      '/mnt/rootfs-1',
    );
    const fields = new TextDecoder().decode(bytes).split('\0');
    expect(fields).to.deep.equal([
      '/mnt/rootfs-1',
      '/w',
      '5',
      '6',
      '1',
      '7',
      '3',
      'sh',
      '-c',
      'echo hi',
      '1',
      'A=1',
      '',
    ]);
  });
});

// Layers made to escape the root (by `..`, absolute names, symlinks on disk
// or in the layer, chains of symlinks, whiteouts and hard links) are refused
// before anything is written; honest layers keep device nodes, FIFOs, hard
// links, xattrs and whiteouts.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import tar from 'tar-stream';

import { encodePax, pushPaxHeader } from '../layer/tar-writer.ts';
import { unpackLayer } from './unpack-layer.ts';

const isRoot = process.getuid?.() === 0;

type Entry = {
  name: string;
  type?:
    'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  linkname?: string;
  text?: string;
  mode?: number;
  devmajor?: number;
  devminor?: number;
  /** Raw pax records written before the entry. */
  pax?: [string, Buffer][];
};

/** A root folder and a folder beside it that no layer may touch. */
function sandbox() {
  const box = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-escape-'));
  const root = path.join(box, 'root');
  const outside = path.join(box, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'victim'), 'untouched');
  fs.chmodSync(outside, 0o750);
  const snapshot = () =>
    JSON.stringify({
      box: fs.readdirSync(box).sort(),
      outside: fs.readdirSync(outside).sort(),
      victim: fs.readFileSync(path.join(outside, 'victim'), 'utf8'),
      mode: fs.statSync(outside).mode,
    });
  return { box, root, outside, before: snapshot(), snapshot };
}

async function layerFile(dir: string, entries: Entry[]): Promise<string> {
  const pack = tar.pack();
  const done = (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of pack) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  })();
  for (const e of entries) {
    if (e.pax) pushPaxHeader(pack, 'PaxHeader', encodePax(e.pax));
    const type = e.type ?? 'file';
    const header = {
      name: e.name,
      type,
      linkname: e.linkname,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      devmajor: e.devmajor,
      devminor: e.devminor,
    };
    // One entry at a time, so a raw pax block lands right before its entry.
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) =>
        error ? reject(error) : resolve();
      if (type === 'file') pack.entry(header, e.text ?? '', done);
      else pack.entry(header, done);
    });
  }
  pack.finalize();
  const file = path.join(
    dir,
    `layer-${Math.random().toString(16).slice(2)}.tar`,
  );
  fs.writeFileSync(file, await done);
  return file;
}

async function apply(root: string, entries: Entry[]): Promise<void> {
  const file = await layerFile(path.dirname(root), entries);
  try {
    await unpackLayer(
      file,
      {
        digest: 'sha256:test',
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        size: 0,
      },
      root,
    );
  } finally {
    fs.rmSync(file);
  }
}

const ESCAPES: [string, (box: ReturnType<typeof sandbox>) => Entry[][]][] = [
  ['a name with ..', () => [[{ name: '../outside/victim', text: 'pwned' }]]],
  ['an absolute name', (b) => [[{ name: `${b.outside}/victim`, text: 'x' }]]],
  [
    'a file through an absolute symlink of the same layer',
    (b) => [
      [
        { name: 'evil', type: 'symlink', linkname: b.outside },
        { name: 'evil/victim', text: 'pwned' },
      ],
    ],
  ],
  [
    'a file through a relative symlink leaving the root',
    () => [
      [
        { name: 'up', type: 'symlink', linkname: '../outside' },
        { name: 'up/pwned', text: 'pwned' },
      ],
    ],
  ],
  [
    'a file through a symlink an earlier layer left on disk',
    (b) => [
      [{ name: 'evil', type: 'symlink', linkname: b.outside }],
      [{ name: 'evil/pwned', text: 'pwned' }],
    ],
  ],
  [
    'a chain of symlinks that each stay inside on their own',
    () => [
      [
        { name: 'sub/', type: 'directory' },
        { name: 'sub/up', type: 'symlink', linkname: '..' },
        { name: 'sub2/', type: 'directory' },
        { name: 'sub2/deep/', type: 'directory' },
        { name: 'sub2/deep/up2', type: 'symlink', linkname: '../../sub/up/..' },
      ],
      [{ name: 'sub2/deep/up2/outside/pwned', text: 'pwned' }],
    ],
  ],
  [
    'a whiteout through a symlink',
    (b) => [
      [{ name: 'evil', type: 'symlink', linkname: b.outside }],
      [{ name: 'evil/.wh.victim' }],
    ],
  ],
  [
    'an opaque marker through a symlink',
    (b) => [
      [{ name: 'evil', type: 'symlink', linkname: b.outside }],
      [{ name: 'evil/.wh..wh..opq' }],
    ],
  ],
  [
    'a folder entry over a symlink (its mode would change the target)',
    (b) => [
      [{ name: 'evil', type: 'symlink', linkname: b.outside }],
      [{ name: 'evil/', type: 'directory', mode: 0o777 }],
    ],
  ],
  [
    'a hard link to a file outside',
    () => [[{ name: 'hl', type: 'link', linkname: '../outside/victim' }]],
  ],
  [
    'a hard link through a symlink',
    (b) => [
      [{ name: 'evil', type: 'symlink', linkname: b.outside }],
      [{ name: 'hl', type: 'link', linkname: 'evil/victim' }],
    ],
  ],
  [
    'a pax path that leaves the root',
    () => [
      [
        {
          name: 'innocent',
          text: 'pwned',
          pax: [['path', Buffer.from('../outside/pwned')]],
        },
      ],
    ],
  ],
  [
    'a sparse file GNU tar would rename',
    () => [
      [
        {
          name: 'innocent',
          text: 'x',
          pax: [['GNU.sparse.name', Buffer.from('../outside/pwned')]],
        },
      ],
    ],
  ],
];

for (const [what, layers] of ESCAPES) {
  test(`refuses ${what}, touching nothing outside`, async () => {
    const box = sandbox();
    const all = layers(box);
    const last = all.pop() as Entry[];
    for (const layer of all) await apply(box.root, layer);
    const rootBefore = listTree(box.root);
    await assert.rejects(
      apply(box.root, last),
      /^Error: unsafe layer sha256:test: /,
    );
    assert.equal(box.snapshot(), box.before);
    assert.deepEqual(listTree(box.root), rootBefore, 'nothing written');
    fs.rmSync(box.box, { recursive: true, force: true });
  });
}

test('follows symlinks that stay inside the root', async () => {
  const box = sandbox();
  await apply(box.root, [
    { name: 'real/', type: 'directory' },
    { name: 'a', type: 'symlink', linkname: 'b' },
    { name: 'b', type: 'symlink', linkname: 'real' },
    { name: 'abs', type: 'symlink', linkname: '/real' },
  ]);
  await apply(box.root, [{ name: 'a/file', text: 'in' }]);
  assert.equal(fs.readFileSync(path.join(box.root, 'real/file'), 'utf8'), 'in');
  assert.equal(box.snapshot(), box.before);
  fs.rmSync(box.box, { recursive: true, force: true });
});

test(
  'keeps device nodes, FIFOs, hard links, xattrs and whiteouts',
  { skip: isRoot ? false : 'needs root (mknod, chown, security xattrs)' },
  async () => {
    const box = sandbox();
    const capability = Buffer.from(
      '0100000200200000000000000000000000000000',
      'hex',
    );
    await apply(box.root, [
      { name: 'dev/', type: 'directory' },
      {
        name: 'dev/null',
        type: 'character-device',
        mode: 0o666,
        devmajor: 1,
        devminor: 3,
      },
      { name: 'pipe', type: 'fifo', mode: 0o600 },
      { name: 'data', text: 'same' },
      { name: 'data-link', type: 'link', linkname: 'data' },
      {
        name: 'ping',
        text: 'binary',
        mode: 0o755,
        pax: [
          ['SCHILY.xattr.security.capability', capability],
          ['SCHILY.xattr.user.note', Buffer.from('hello')],
        ],
      },
      { name: 'gone', text: 'x' },
      { name: 'dir/', type: 'directory' },
      { name: 'dir/old', text: 'x' },
    ]);
    await apply(box.root, [
      { name: '.wh.gone' },
      { name: 'dir/', type: 'directory' },
      { name: 'dir/.wh..wh..opq' },
      { name: 'dir/new', text: 'y' },
    ]);

    const dev = fs.statSync(path.join(box.root, 'dev/null'));
    assert.ok(dev.isCharacterDevice());
    assert.equal(dev.rdev, 0x103);
    assert.ok(fs.lstatSync(path.join(box.root, 'pipe')).isFIFO());
    const data = fs.statSync(path.join(box.root, 'data'));
    assert.equal(fs.statSync(path.join(box.root, 'data-link')).ino, data.ino);
    const attrs = execFileSync(
      'getfattr',
      ['-d', '-m', '-', '-e', 'hex', path.join(box.root, 'ping')],
      { encoding: 'utf8' },
    );
    assert.match(
      attrs,
      new RegExp(`security.capability=0x${capability.toString('hex')}`),
    );
    assert.match(attrs, /user.note=0x68656c6c6f/);
    assert.equal(fs.existsSync(path.join(box.root, 'gone')), false);
    assert.deepEqual(fs.readdirSync(path.join(box.root, 'dir')), ['new']);
    assert.equal(box.snapshot(), box.before);
    fs.rmSync(box.box, { recursive: true, force: true });
  },
);

test('a file replaces a folder of an earlier layer', async () => {
  const box = sandbox();
  await apply(box.root, [
    { name: 'x/', type: 'directory' },
    { name: 'x/inner', text: 'old' },
  ]);
  await apply(box.root, [{ name: 'x', text: 'now a file' }]);
  assert.equal(fs.readFileSync(path.join(box.root, 'x'), 'utf8'), 'now a file');
  fs.rmSync(box.box, { recursive: true, force: true });
});

function listTree(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const child = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() && !e.isSymbolicLink()
        ? [child, ...listTree(dir, child)]
        : [child];
    })
    .sort();
}

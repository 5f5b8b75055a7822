// A layer written from a folder and unpacked again gives the same tree:
// owners, modes, device nodes, FIFOs, hard links, binary xattrs, long and
// non-ASCII names; a compare with a parent gives whiteouts, and an overlay
// upper folder gives whiteouts and opaque markers.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import zlib from 'node:zlib';

import { overlayUsable, mountOverlay, unmount } from '../snapshot/overlay.ts';
import { unpackLayer } from '../store/unpack-layer.ts';
import { writeLayerBlob } from './layer-blob.ts';
import { copyEntries, overlayEntries } from './layer-entries.ts';
import { readXattrs } from './xattrs.ts';

const skip = process.getuid?.() === 0 ? false : 'needs root (mknod, chown)';
const LONG = `${'deep/'.repeat(30)}file-${'x'.repeat(120)}`;
const CAPABILITY = '0100000200200000000000000000000000000000';

function scratch(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-layer-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function makeTree(root: string): void {
  fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
  fs.writeFileSync(path.join(root, 'bin/tool'), 'tool');
  fs.chmodSync(path.join(root, 'bin/tool'), 0o4755);
  fs.chownSync(path.join(root, 'bin/tool'), 1234, 5678);
  fs.linkSync(path.join(root, 'bin/tool'), path.join(root, 'bin/tool-link'));
  fs.symlinkSync(`../${'t'.repeat(150)}`, path.join(root, 'bin/far-link'));
  execFileSync('mknod', [path.join(root, 'null'), 'c', '1', '3']);
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  fs.writeFileSync(path.join(root, 'grüße.txt'), 'hallo');
  fs.mkdirSync(path.dirname(path.join(root, LONG)), { recursive: true });
  fs.writeFileSync(path.join(root, LONG), 'long');
  execFileSync('setfattr', [
    '-n',
    'security.capability',
    '-v',
    `0x${CAPABILITY}`,
    path.join(root, 'bin/tool'),
  ]);
  execFileSync('setfattr', [
    '-n',
    'user.k',
    '-v',
    'v',
    path.join(root, 'grüße.txt'),
  ]);
}

async function roundTrip(
  entriesOf: (
    xattrs: Map<string, Map<string, Buffer>>,
  ) => ReturnType<typeof copyEntries>,
  from: string,
  into: string,
) {
  const xattrs = await readXattrs(from);
  const blobs = path.join(scratch(), 'blobs');
  const layer = await writeLayerBlob(entriesOf(xattrs), xattrs, blobs);
  const file = path.join(blobs, 'sha256', layer.digest.slice(7));
  await unpackLayer(file, layer, into);
  return { layer, file };
}

function describe(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(root, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(root, child));
      const link = st.isSymbolicLink()
        ? fs.readlinkSync(path.join(root, child))
        : '';
      out.push(
        `${child} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.rdev} ${st.nlink} ${link}`,
      );
      if (st.isDirectory()) walk(child);
    }
  };
  walk('');
  return out;
}

test(
  'a full layer unpacks to the same tree, xattrs included',
  { skip },
  async () => {
    const dir = scratch();
    const from = path.join(dir, 'from');
    const into = path.join(dir, 'into');
    fs.mkdirSync(from);
    fs.mkdirSync(into);
    makeTree(from);
    const { layer, file } = await roundTrip(
      () => copyEntries(from),
      from,
      into,
    );
    assert.deepEqual(describe(into), describe(from));
    const attrs = execFileSync(
      'getfattr',
      ['-d', '-m', '-', '-e', 'hex', path.join(into, 'bin/tool')],
      { encoding: 'utf8' },
    );
    assert.match(attrs, new RegExp(`security.capability=0x${CAPABILITY}`));
    assert.equal(fs.readFileSync(path.join(into, LONG), 'utf8'), 'long');

    // GNU tar reads the same names and a hard link, not a second copy.
    const listing = execFileSync('tar', ['-tvf', '-'], {
      input: zlib.gunzipSync(fs.readFileSync(file)),
      encoding: 'utf8',
    });
    assert.match(listing, /bin\/tool-link link to bin\/tool/);
    assert.match(listing, /grüße\.txt/);
    assert.ok(layer.size > 0);
  },
);

test(
  'a compare with the parent writes changes and whiteouts only',
  { skip },
  async () => {
    const dir = scratch();
    const parent = path.join(dir, 'parent');
    const child = path.join(dir, 'child');
    fs.mkdirSync(parent);
    makeTree(parent);
    execFileSync('cp', ['-a', parent, child]);
    fs.rmSync(path.join(child, 'pipe'));
    fs.rmSync(path.join(child, 'deep'), { recursive: true });
    fs.writeFileSync(path.join(child, 'added'), 'new');
    const entries = copyEntries(child, parent);
    assert.deepEqual(
      entries.map((e) => `${e.kind} ${e.path}`),
      ['node added', 'whiteout deep', 'whiteout pipe'],
    );

    // Applied over a copy of the parent, the layer gives the child.
    const applied = path.join(dir, 'applied');
    execFileSync('cp', ['-a', parent, applied]);
    await roundTrip(() => entries, child, applied);
    assert.deepEqual(describe(applied), describe(child));
  },
);

test(
  'an overlay upper folder gives whiteouts and an opaque marker',
  {
    skip:
      skip ||
      (overlayUsable(os.tmpdir(), probeRecord()) ? false : 'no overlayfs here'),
  },
  async () => {
    const dir = scratch();
    for (const sub of ['lower', 'upper', 'work', 'merged']) {
      fs.mkdirSync(path.join(dir, sub));
    }
    const lower = path.join(dir, 'lower');
    fs.mkdirSync(path.join(lower, 'etc'));
    fs.writeFileSync(path.join(lower, 'etc/group'), 'g');
    fs.mkdirSync(path.join(lower, 'cache'));
    fs.writeFileSync(path.join(lower, 'cache/old'), 'o');
    fs.writeFileSync(path.join(lower, 'keep'), 'k');
    mountOverlay({
      lowers: ['lower'],
      upper: 'upper',
      work: 'work',
      target: path.join(dir, 'merged'),
      cwd: dir,
    });
    const merged = path.join(dir, 'merged');
    try {
      fs.rmSync(path.join(merged, 'etc/group'));
      fs.rmSync(path.join(merged, 'cache'), { recursive: true });
      fs.mkdirSync(path.join(merged, 'cache'));
      fs.writeFileSync(path.join(merged, 'cache/new'), 'n');
    } finally {
      unmount(merged);
    }
    const upper = path.join(dir, 'upper');
    const xattrs = await readXattrs(upper);
    const entries = overlayEntries(upper, xattrs, lower);
    assert.deepEqual(
      entries.map((e) => `${e.kind} ${e.path}`),
      [
        'node cache',
        'opaque cache',
        'node cache/new',
        'node etc',
        'whiteout etc/group',
      ],
    );

    const applied = path.join(dir, 'applied');
    execFileSync('cp', ['-a', lower, applied]);
    await roundTrip(() => entries, upper, applied);
    assert.deepEqual(fs.readdirSync(path.join(applied, 'cache')), ['new']);
    assert.deepEqual(fs.readdirSync(path.join(applied, 'etc')), []);
    assert.equal(fs.readFileSync(path.join(applied, 'keep'), 'utf8'), 'k');
  },
);

/** A probe record of this test process, removed when it exits. */
function probeRecord(): string {
  const file = path.join(os.tmpdir(), `slipway-overlay-probe-${process.pid}`);
  process.on('exit', () => fs.rmSync(file, { force: true }));
  return file;
}

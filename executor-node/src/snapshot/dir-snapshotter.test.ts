// Both snapshot kinds (overlayfs and full copies): commit and read back,
// layers of the same changes, replaced versions that keep their children
// readable, aborts and leftovers of a killed process cleaned up.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { copyEntries, overlayEntries } from '../layer/layer-entries.ts';
import { readXattrs } from '../layer/xattrs.ts';
import { DirSnapshotter } from './dir-snapshotter.ts';
import { mountOverlay, mountsUnder, overlayUsable } from './overlay.ts';
import type { SnapshotKind } from './snapshot-layout.ts';

const isRoot = process.getuid?.() === 0;
const overlayHere = isRoot && overlayUsable(os.tmpdir(), probeRecord());
const KINDS: [SnapshotKind, string | false][] = [
  ['copy', false],
  [
    'overlay',
    overlayHere ? false : 'overlayfs is not usable here (needs root)',
  ],
];

function home(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-snap-'));
  process.on('exit', () => {
    for (const point of mountsUnder(dir)) spawnSync('umount', ['-l', point]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Commits a root with a few files, then a child that changes them. */
async function twoSteps(snapshots: DirSnapshotter) {
  const root = await snapshots.prepare('sha256:root');
  fs.mkdirSync(path.join(root.handle, 'etc'));
  fs.writeFileSync(path.join(root.handle, 'etc/group'), 'g');
  fs.writeFileSync(path.join(root.handle, 'keep'), 'k');
  fs.mkdirSync(path.join(root.handle, 'cache'));
  fs.writeFileSync(path.join(root.handle, 'cache/old'), 'o');
  await snapshots.commit(root);

  const child = await snapshots.prepare('sha256:child', 'sha256:root');
  fs.rmSync(path.join(child.handle, 'etc/group'));
  fs.rmSync(path.join(child.handle, 'cache'), { recursive: true });
  fs.mkdirSync(path.join(child.handle, 'cache'));
  fs.writeFileSync(path.join(child.handle, 'cache/new'), 'n');
  fs.writeFileSync(path.join(child.handle, 'added'), 'a');
  await snapshots.commit(child);
}

async function entriesOf(snapshots: DirSnapshotter, key: string) {
  const meta = snapshots.version(key);
  assert.ok(meta);
  const source = snapshots.diffSource(meta);
  const xattrs = await readXattrs(source.upper);
  const entries =
    source.kind === 'overlay'
      ? overlayEntries(source.upper, xattrs, source.lower)
      : copyEntries(source.upper, source.lower);
  return entries.map((e) => `${e.kind} ${e.path}`);
}

for (const [kind, skip] of KINDS) {
  test(
    `${kind}: a child reads as its parent plus its changes`,
    { skip },
    async () => {
      const snapshots = new DirSnapshotter(home(), kind);
      assert.equal(snapshots.kind, kind);
      await twoSteps(snapshots);
      assert.equal(await snapshots.has('sha256:child'), true);
      const view = snapshots.locate('sha256:child');
      assert.deepEqual(fs.readdirSync(view).sort(), [
        'added',
        'cache',
        'etc',
        'keep',
      ]);
      assert.deepEqual(fs.readdirSync(path.join(view, 'etc')), []);
      assert.deepEqual(fs.readdirSync(path.join(view, 'cache')), ['new']);
      assert.deepEqual(fs.readdirSync(snapshots.locate('sha256:root')).sort(), [
        'cache',
        'etc',
        'keep',
      ]);
      snapshots.release();
    },
  );

  test(
    `${kind}: the layer holds the changes, whiteouts and an opaque folder`,
    { skip },
    async () => {
      const snapshots = new DirSnapshotter(home(), kind);
      await twoSteps(snapshots);
      const entries = await entriesOf(snapshots, 'sha256:child');
      // A copy cannot tell a recreated folder from a changed one, so it
      // lists what the folder held before as whiteouts instead.
      const expected =
        kind === 'overlay'
          ? [
              'node added',
              'node cache',
              'opaque cache',
              'node cache/new',
              'node etc',
              'whiteout etc/group',
            ]
          : [
              'node added',
              'node cache',
              'node cache/new',
              'whiteout cache/old',
              'node etc',
              'whiteout etc/group',
            ];
      assert.deepEqual(entries, expected);
      snapshots.release();
    },
  );

  test(
    `${kind}: replacing a parent keeps an older child whole`,
    { skip },
    async () => {
      const snapshots = new DirSnapshotter(home(), kind);
      await twoSteps(snapshots);
      const before = snapshots.version('sha256:child');

      // A --no-cache rebuild commits the root again under the same key.
      const again = await snapshots.prepare('sha256:root');
      fs.writeFileSync(path.join(again.handle, 'other'), 'x');
      await snapshots.commit(again);
      assert.deepEqual(fs.readdirSync(snapshots.locate('sha256:root')), [
        'other',
      ]);
      assert.deepEqual(snapshots.version('sha256:child'), before);
      const view = snapshots.locate('sha256:child');
      assert.equal(fs.readFileSync(path.join(view, 'keep'), 'utf8'), 'k');
      snapshots.release();
    },
  );

  test(
    `${kind}: an abort leaves no folder and no mount`,
    { skip },
    async () => {
      const dir = home();
      const snapshots = new DirSnapshotter(dir, kind);
      await twoSteps(snapshots);
      const active = await snapshots.prepare('sha256:third', 'sha256:child');
      fs.writeFileSync(path.join(active.handle, 'partial'), 'p');
      await snapshots.abort(active);
      assert.equal(await snapshots.has('sha256:third'), false);
      assert.deepEqual(fs.readdirSync(path.join(dir, '.work')), []);
      snapshots.release();
      assert.deepEqual(mountsUnder(dir), []);
    },
  );
}

test(
  'a new snapshotter unmounts and removes what a killed process left',
  { skip: overlayHere ? false : 'overlayfs is not usable here (needs root)' },
  async () => {
    const dir = home();
    new DirSnapshotter(dir, 'overlay').release();
    // A work folder named for a process that is gone, still mounted.
    const dead = spawnSync('true').pid as number;
    const work = path.join(dir, '.work', `abcdef012345-${dead}-00000000`);
    for (const sub of ['lower', 'diff', 'ovl', 'merged']) {
      fs.mkdirSync(path.join(work, sub), { recursive: true });
    }
    mountOverlay({
      lowers: ['lower'],
      upper: 'diff',
      work: 'ovl',
      target: path.join(work, 'merged'),
      cwd: work,
    });
    assert.equal(mountsUnder(dir).length, 1);
    new DirSnapshotter(dir, 'overlay').release();
    assert.deepEqual(mountsUnder(dir), []);
    assert.deepEqual(fs.readdirSync(path.join(dir, '.work')), []);
  },
);

test('auto picks overlayfs where it works, else copies', () => {
  const snapshots = new DirSnapshotter(home(), 'auto');
  assert.equal(snapshots.kind, overlayHere ? 'overlay' : 'copy');
  snapshots.release();
});

/** A probe record of this test process, removed when it exits. */
function probeRecord(): string {
  const file = path.join(os.tmpdir(), `slipway-overlay-probe-${process.pid}`);
  process.on('exit', () => fs.rmSync(file, { force: true }));
  return file;
}

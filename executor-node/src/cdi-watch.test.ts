// Tests for the watching registry on real directories: adds, edits,
// removals, a directory created later, ignored names, debouncing, close.

import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { CdiRegistry } from '../../core/src/index.ts';
import type { CdiRegistryWatcher } from './cdi-watch.ts';
import { watchCdiSpecDirs } from './cdi-watch.ts';

const spec = (name: string, kind = 'vendor.com/device') => `cdiVersion: "0.6.0"
kind: ${kind}
devices:
  - name: ${name}
    containerEdits:
      env: [DEV=${name}]
`;

let root = '';
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'slipway-cdi-watch-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

// Collects every registry the watcher reports.
function recorder() {
  const seen: CdiRegistry[] = [];
  const waiters: (() => void)[] = [];
  return {
    seen,
    onChange(r: CdiRegistry) {
      seen.push(r);
      for (const w of waiters.splice(0)) w();
    },
    // Resolves once a reported registry satisfies `check`.
    async until(check: (r: CdiRegistry) => boolean, what: string) {
      const deadline = Date.now() + 5000;
      while (!seen.some(check)) {
        if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return seen.find(check)!;
    },
  };
}

const names = (r: CdiRegistry) => r.devices.map((d) => d.qualifiedName);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Watches `dirs` while `body` runs, then closes the watcher.
async function watching(
  dirs: string[],
  body: (
    rec: ReturnType<typeof recorder>,
    w: CdiRegistryWatcher,
  ) => Promise<void>,
  debounceMs = 20,
) {
  const rec = recorder();
  const w = await watchCdiSpecDirs(dirs, {
    debounceMs,
    onChange: rec.onChange,
  });
  try {
    await body(rec, w);
  } finally {
    w.close();
  }
}

describe('watchCdiSpecDirs', () => {
  it('follows adds, edits and removals', async () => {
    const dir = path.join(root, 'etc');
    await mkdir(dir);
    await writeFile(path.join(dir, 'a.yaml'), spec('a'));
    await watching([dir], async (rec, w) => {
      assert.deepEqual(names(w.current()), ['vendor.com/device=a']);

      await writeFile(
        path.join(dir, 'b.json'),
        JSON.stringify({
          cdiVersion: '0.6.0',
          kind: 'vendor.com/other',
          devices: [{ name: 'b', containerEdits: { env: ['B=1'] } }],
        }),
      );
      await rec.until((r) => names(r).includes('vendor.com/other=b'), 'add');

      await writeFile(path.join(dir, 'a.yaml'), spec('a2'));
      await rec.until((r) => names(r).includes('vendor.com/device=a2'), 'edit');

      await rm(path.join(dir, 'b.json'));
      const last = await rec.until(
        (r) => !names(r).includes('vendor.com/other=b'),
        'removal',
      );
      assert.deepEqual(names(last), ['vendor.com/device=a2']);
      assert.deepEqual(names(w.current()), names(rec.seen.at(-1)!));
    });
  });

  it('picks up a directory made later; the later dir wins', async () => {
    const etc = path.join(root, 'two/etc');
    const run = path.join(root, 'two/run');
    await mkdir(etc, { recursive: true });
    await writeFile(path.join(etc, 'v.yaml'), spec('x'));
    await watching([etc, run], async (rec, w) => {
      const first = w.current().devices[0]!;
      assert.equal(first.specPath, path.join(etc, 'v.yaml'));
      await mkdir(run);
      // A spec moved in from elsewhere arrives as a plain create.
      const staged = path.join(root, 'staged.yaml');
      await writeFile(staged, spec('x'));
      await pause(60);
      await rename(staged, path.join(run, 'v.yaml'));
      const fresh = await rec.until(
        (r) => r.devices[0]?.specPath === path.join(run, 'v.yaml'),
        'new directory',
      );
      assert.deepEqual(names(fresh), ['vendor.com/device=x']);
    });
  });

  it('survives its directory being removed and made again', async () => {
    const dir = path.join(root, 'gone');
    await mkdir(dir);
    await writeFile(path.join(dir, 'a.yaml'), spec('a'));
    await watching([dir], async (rec) => {
      await rm(dir, { recursive: true });
      await rec.until((r) => r.devices.length === 0, 'removed directory');
      await mkdir(dir);
      await pause(100);
      await writeFile(path.join(dir, 'b.yaml'), spec('b'));
      await rec.until(
        (r) => names(r).includes('vendor.com/device=b'),
        'recreated directory',
      );
    });
  });

  it('reports a bad file without hiding the good ones', async () => {
    const dir = path.join(root, 'bad');
    await mkdir(dir);
    await writeFile(path.join(dir, 'good.yaml'), spec('good'));
    await watching([dir], async (rec) => {
      await writeFile(path.join(dir, 'broken.yaml'), 'cdiVersion: 9\n');
      const r = await rec.until((x) => x.diagnostics.length > 0, 'bad file');
      assert.deepEqual(names(r), ['vendor.com/device=good']);
      assert.equal(
        r.diagnostics[0]!.location?.file,
        path.join(dir, 'broken.yaml'),
      );
    });
  });

  it('rescans once for a burst and ignores other names', async () => {
    const dir = path.join(root, 'burst');
    await mkdir(dir);
    await watching(
      [dir],
      async (rec) => {
        await writeFile(path.join(dir, 'notes.yml'), spec('yml'));
        await writeFile(path.join(dir, 'README'), 'x');
        await pause(400);
        assert.equal(rec.seen.length, 0);

        for (let i = 0; i < 5; i++)
          await writeFile(path.join(dir, `d${i}.yaml`), spec(`d${i}`));
        await rec.until((r) => r.devices.length === 5, 'burst');
        await pause(400);
        assert.equal(rec.seen.length, 1);
      },
      150,
    );
  });

  it('stops reporting once closed', async () => {
    const dir = path.join(root, 'closed');
    await mkdir(dir);
    const rec = recorder();
    const w: CdiRegistryWatcher = await watchCdiSpecDirs([dir], {
      debounceMs: 20,
      onChange: rec.onChange,
    });
    w.close();
    await writeFile(path.join(dir, 'late.yaml'), spec('late'));
    await pause(200);
    assert.equal(rec.seen.length, 0);
    assert.deepEqual(names(await w.refresh()), ['vendor.com/device=late']);
  });
});

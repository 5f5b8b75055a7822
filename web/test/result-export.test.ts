// A browser build's result as a local export: the tree per platform, the tar
// and zip downloads (with the file a RUN wrote), and <result-tree>; the last
// test builds in the real v86 guest through the worker.

import { expect } from '@esm-bundle/chai';
import * as Comlink from 'comlink';
import { unzipSync } from 'fflate';
import type { BuildPlan } from '../../core/src/index.ts';
import type { ResultTree } from '../src/result-tree.ts';
import '../src/result-tree.ts';
import { createPlannerClient } from '../src/planner-client.ts';
import {
  emptyDir,
  lookup,
  putNode,
  walkTree,
  type DirNode,
} from '../src/v86/file-tree.ts';
import { createLocalExport, isPlatformSplit } from '../src/v86/local-export.ts';
import { readTar } from '../src/v86/tar-layer.ts';
import { writeTar } from '../src/v86/tar-write.ts';
import { createV86Client } from '../src/v86/v86-client.ts';
import { writeZip } from '../src/v86/zip-write.ts';
import type { FileInfo } from '../src/worker/v86-protocol.ts';
import { waitFor } from './helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);
const meta = { uid: 0, gid: 0, mtime: 1_700_000_000 };

/** A target root as a RUN left it: `/out/hello.txt` written, a tool, a link. */
function builtRoot(arch: string): DirNode {
  const root = emptyDir();
  putNode(root, '/bin/tool', {
    type: 'file',
    ...meta,
    mode: 0o755,
    data: text('#!/bin/sh\n'),
  });
  putNode(root, '/out/hello.txt', {
    type: 'file',
    ...meta,
    mode: 0o644,
    data: text(`built on ${arch}\n`),
  });
  putNode(root, '/out/latest', {
    type: 'symlink',
    ...meta,
    mode: 0o777,
    target: 'hello.txt',
  });
  return root;
}

/** Reads each zip entry's Unix mode from the central directory. */
function zipModes(zip: Uint8Array): Record<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const modes: Record<string, number> = {};
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    const name = read(zip.subarray(at + 46, at + 46 + nameLength));
    modes[name] = view.getUint32(at + 38, true) >>> 16;
  }
  return modes;
}

describe('result export', () => {
  it('keeps one platform at the root and splits several into linux_<arch>/', () => {
    const one = createLocalExport(
      [{ platform: 'linux/386', tree: builtRoot('386') }],
      false,
    );
    expect(lookup(one, '/out/hello.txt')?.node.type).to.equal('file');

    const split = createLocalExport(
      [
        { platform: 'linux/386', tree: builtRoot('386') },
        { platform: 'linux/arm/v7', tree: builtRoot('arm') },
      ],
      isPlatformSplit([], 2),
    );
    expect([...split.entries.keys()]).to.deep.equal([
      'linux_386',
      'linux_arm_v7',
    ]);
    const file = lookup(split, '/linux_arm_v7/out/hello.txt')!.node;
    expect(file.type === 'file' && read(file.data)).to.equal('built on arm\n');
  });

  it('fails as BuildKit does when platform-split=false would overwrite a file', () => {
    const outputs = [
      {
        type: 'local' as const,
        dest: 'out',
        attrs: { 'platform-split': 'false' },
      },
    ];
    expect(isPlatformSplit(outputs, 2)).to.equal(false);
    expect(() =>
      createLocalExport(
        [
          { platform: 'linux/386', tree: builtRoot('386') },
          { platform: 'linux/amd64', tree: builtRoot('amd64') },
        ],
        false,
      ),
    ).to.throw(
      'cannot overwrite bin/tool from linux/386 with linux/amd64 when split option is disabled',
    );
  });

  it('packs the file a RUN wrote into the tar and the zip, modes and links kept', () => {
    const exported = createLocalExport(
      [{ platform: 'linux/386', tree: builtRoot('386') }],
      false,
    );

    const entries = readTar(writeTar(exported));
    const hello = entries.find((e) => e.path === 'out/hello.txt')!;
    expect(read(hello.data)).to.equal('built on 386\n');
    expect(entries.find((e) => e.path === 'out/latest')?.linkname).to.equal(
      'hello.txt',
    );

    const zip = writeZip(exported);
    const files = unzipSync(zip);
    expect(read(files['out/hello.txt']!)).to.equal('built on 386\n');
    expect(read(files['out/latest']!)).to.equal('hello.txt');
    const modes = zipModes(zip);
    expect(modes['bin/tool']).to.equal(0o100755);
    expect(modes['out/latest']).to.equal(0o120777);
    expect(modes['out/']).to.equal(0o040755);
  });

  it('<result-tree> opens folders on click and asks for downloads', async () => {
    const files: FileInfo[] = [];
    walkTree(builtRoot('386'), (path, node) =>
      files.push({
        path,
        type: node.type,
        mode: node.mode,
        uid: 0,
        gid: 0,
        size: node.type === 'file' ? node.data.length : 0,
        target: node.type === 'symlink' ? node.target : undefined,
      }),
    );
    const tree = document.createElement('result-tree') as ResultTree;
    tree.files = files;
    document.body.append(tree);
    try {
      await tree.updateComplete;
      const root = tree.shadowRoot!;
      expect(root.querySelector('li[data-path="/out/hello.txt"]')).to.equal(
        null,
      );
      (
        root.querySelector('li[data-path="/out"] summary') as HTMLElement
      ).click();
      const hello = await waitFor(
        () => root.querySelector('li[data-path="/out/hello.txt"]'),
        'the opened folder',
      );
      expect(hello.textContent).to.contain('hello.txt');
      expect(
        root.querySelector('li[data-path="/out/latest"]')?.textContent,
      ).to.contain('-> hello.txt');

      const asked: string[] = [];
      tree.addEventListener('result-download', (e) =>
        asked.push((e as CustomEvent).detail.format),
      );
      (root.querySelector('button.zip') as HTMLButtonElement).click();
      (root.querySelector('button.tar') as HTMLButtonElement).click();
      expect(asked).to.deep.equal(['zip', 'tar']);
    } finally {
      tree.remove();
    }
  });

  describe('in the v86 guest', function () {
    // The guest may have to boot (no stored state yet in this browser).
    this.timeout(120000);

    it('exports what a RUN wrote, as tar and zip', async () => {
      const planner = createPlannerClient();
      let plan: BuildPlan | undefined;
      try {
        const response = await planner.api.plan({
          dockerfile:
            'FROM busybox:1.36\nRUN mkdir /out && echo written by RUN > /out/hello.txt\n',
          options: { platforms: ['linux/386'] },
        });
        plan = response.plan;
      } finally {
        planner.dispose();
      }
      const client = createV86Client({
        guestUrl: '/public/guest/',
        imagesUrl: '/public/images/',
        stateDatabase: 'slipway-guest-test',
        imageDatabase: 'slipway-images-test',
      });
      try {
        const report = await client.api.build(
          plan!,
          Comlink.proxy(() => undefined),
          { noCache: true },
        );
        expect(report.ok, report.error).to.equal(true);
        expect(report.exported.map((f) => f.path)).to.include('/out/hello.txt');

        const tar = (await client.api.exportArchive('tar'))!;
        const entry = readTar(tar).find((e) => e.path === 'out/hello.txt');
        expect(read(entry!.data)).to.equal('written by RUN\n');
        const zip = unzipSync((await client.api.exportArchive('zip'))!);
        expect(read(zip['out/hello.txt']!)).to.equal('written by RUN\n');
        expect(zip['bin/busybox']?.length).to.be.greaterThan(100000);
      } finally {
        await client.api.shutdown();
        client.dispose();
      }
    });
  });
});

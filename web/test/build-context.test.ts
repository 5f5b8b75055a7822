// The build context of browser builds: dropped files laid out as a tree,
// .dockerignore applied as BuildKit does, COPY reading the dropped context
// (or the example's folder when none was dropped), and <context-drop>.

import { expect } from '@esm-bundle/chai';
import {
  applyDockerignore,
  createContextTree,
  resolveBuildContext,
  type ContextFiles,
} from '../src/build-context.ts';
import type { ContextDrop } from '../src/context-drop.ts';
import '../src/context-drop.ts';
import { loadExampleContext } from '../src/example-context.ts';
import { lookup, walkTree, type DirNode } from '../src/v86/file-tree.ts';
import { buildWithoutGuest, waitFor } from './helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);

const DROPPED: ContextFiles = {
  label: 'my-app',
  files: [
    { path: 'app.txt', data: text('app\n') },
    { path: 'secret.env', data: text('TOKEN=1\n') },
    { path: 'logs/a.log', data: text('a\n') },
    { path: 'logs/keep.log', data: text('keep\n') },
    { path: 'node_modules/x/y.js', data: text('y\n') },
    {
      path: '.dockerignore',
      data: text('# local files\n*.env\nlogs\n!logs/keep.log\nnode_modules\n'),
    },
  ],
};

function paths(tree: DirNode): string[] {
  const out: string[] = [];
  walkTree(tree, (path, node) =>
    out.push(node.type === 'dir' ? `${path}/` : path),
  );
  return out;
}

/** Plans for linux/386 and builds in the page (no RUN, so no guest). */
function build(dockerfile: string, context: DirNode | undefined) {
  return buildWithoutGuest(dockerfile, 'slipway-images-test', context);
}

describe('build context', () => {
  it('leaves out what .dockerignore excludes, ! patterns reaching into folders', () => {
    const result = applyDockerignore(createContextTree(DROPPED.files));
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    expect(paths(result.tree)).to.deep.equal([
      '/.dockerignore',
      '/app.txt',
      '/logs/',
      '/logs/keep.log',
    ]);
    expect(result.ignored).to.deep.equal([
      'logs/a.log',
      'node_modules/',
      'secret.env',
    ]);
  });

  it('reads <Dockerfile>.dockerignore before .dockerignore', () => {
    const files = [
      ...DROPPED.files,
      { path: 'Dockerfile.web.dockerignore', data: text('app.txt\n') },
    ];
    const result = applyDockerignore(
      createContextTree(files),
      'Dockerfile.web',
    );
    expect(result.ok && result.ignored).to.deep.equal(['app.txt']);
  });

  it('refuses a .dockerignore BuildKit refuses', () => {
    const result = applyDockerignore(
      createContextTree([{ path: '.dockerignore', data: text('!\n') }]),
    );
    expect(result).to.deep.equal({
      ok: false,
      error: '.dockerignore: illegal exclusion pattern: "!"',
    });
  });

  it('COPY . reads the dropped context after .dockerignore', async () => {
    const context = await resolveBuildContext(DROPPED, async () => undefined);
    const result = await build('FROM scratch\nCOPY . /ctx/\n', context);
    expect(result.solve.ok, result.solve.error).to.equal(true);
    const tree = result.targets[0]!.tree;
    expect(lookup(tree, '/ctx/app.txt')?.node.type).to.equal('file');
    expect(lookup(tree, '/ctx/logs/keep.log')?.node.type).to.equal('file');
    expect(lookup(tree, '/ctx/secret.env')).to.equal(undefined);

    const refused = await build('FROM scratch\nCOPY secret.env /\n', context);
    expect(refused.solve.ok).to.equal(false);
    expect(refused.solve.error).to.contain('"/secret.env": not found');
  });

  it('without a dropped context, COPY reads the example folder', async () => {
    const folder = '/examples/multi-stage-builder-stages/';
    const urls = Object.fromEntries(
      ['source1.cpp', 'Dockerfile'].map((f) => [
        `${folder}${f}`,
        async () => `${folder}${f}`,
      ]),
    );
    const context = await resolveBuildContext(undefined, () =>
      loadExampleContext('multi-stage-builder-stages', urls),
    );
    const result = await build('FROM scratch\nCOPY source1.cpp /\n', context);
    expect(result.solve.ok, result.solve.error).to.equal(true);
    expect(lookup(result.targets[0]!.tree, '/source1.cpp')?.node.type).to.equal(
      'file',
    );
  });

  it('<context-drop> reports dropped files and shows what is left out', async () => {
    const drop = document.createElement('context-drop') as ContextDrop;
    drop.example = 'cdi-env';
    drop.examplePaths = ['Dockerfile', 'README.md'];
    document.body.append(drop);
    try {
      await drop.updateComplete;
      expect(
        drop.shadowRoot!.querySelector('.summary')?.textContent,
      ).to.contain('examples/cdi-env');

      const got: (ContextFiles | undefined)[] = [];
      drop.addEventListener('context-input', (e) =>
        got.push((e as CustomEvent).detail.context),
      );
      const transfer = new DataTransfer();
      for (const f of DROPPED.files.filter((f) => !f.path.includes('/'))) {
        transfer.items.add(new File([f.data as BlobPart], f.path));
      }
      const zone = drop
        .shadowRoot!.querySelector('drop-zone')!
        .shadowRoot!.querySelector('.zone')!;
      zone.dispatchEvent(
        new DragEvent('drop', { dataTransfer: transfer, bubbles: true }),
      );
      const dropped = await waitFor(() => got[0], 'a context-input event');
      expect(dropped.files.map((f) => f.path).sort()).to.deep.equal([
        '.dockerignore',
        'app.txt',
        'secret.env',
      ]);

      drop.dropped = dropped;
      await drop.updateComplete;
      expect(
        drop.shadowRoot!.querySelector('.ignored')?.textContent,
      ).to.contain('secret.env');
      (
        drop.shadowRoot!.querySelector('button.reset') as HTMLButtonElement
      ).click();
      expect(got[1]).to.equal(undefined);
      expect(got.length).to.equal(2);
    } finally {
      drop.remove();
    }
  });
});

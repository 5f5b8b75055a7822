// The wasi-hello example built by the page's Build button: the COPY from
// the example's folder, the RUN of hello.wasm with the WASI shim (no guest
// boots), and Run, which starts the image's entrypoint and shows its output.

import { expect } from '@esm-bundle/chai';
import { loadExampleContext, type FileUrls } from '../src/example-context.ts';
import { toBuildOptions } from '../src/options-draft.ts';
import type { V86BuildPanel } from '../src/v86/build-panel.ts';
import '../src/v86/build-panel.ts';
import { deep, fetchExample, planExample, waitFor } from './helpers.ts';

/** URLs of the example's files as the test server serves them. */
async function exampleUrls(id: string): Promise<FileUrls> {
  const index = await (await fetch('/examples/index.json')).json();
  const entry = index.examples.find((e: { id: string }) => e.id === id);
  const urls: FileUrls = {};
  for (const file of entry.files as string[]) {
    const path = `/examples/${id}/${file}`;
    urls[path] = async () => path;
  }
  return urls;
}

describe('wasi-hello in the page', function () {
  this.timeout(60000);
  let panel: V86BuildPanel;

  afterEach(() => panel.remove());

  it('builds with the WASI shim and runs the entrypoint', async () => {
    const example = await fetchExample('wasi-hello');
    const { plan } = await planExample(example);
    expect(plan!.platforms.map((p) => p.platform)).to.deep.equal(['wasi/wasm']);
    const urls = await exampleUrls('wasi-hello');

    panel = document.createElement('v86-build-panel');
    panel.config = {
      guestUrl: '/public/guest/',
      imagesUrl: '/public/images/',
      stateDatabase: 'slipway-guest-test',
      imageDatabase: 'slipway-images-test',
    };
    panel.dockerfile = example.dockerfile;
    panel.options = toBuildOptions(example.draft, example.cdiSpecs);
    panel.plan = plan;
    panel.context = () => loadExampleContext('wasi-hello', urls);
    document.body.append(panel);
    await panel.updateComplete;

    const root = panel.shadowRoot!;
    expect(root.querySelector('.foreign')).to.equal(null);
    expect(root.querySelector('.emulated')).to.equal(null);
    const button = root.querySelector('button.primary') as HTMLButtonElement;
    expect(button.textContent?.trim()).to.equal('Build');
    button.click();

    await waitFor(() => !panel.running && panel.report, 'the build', 55000);
    const output = root.querySelector('pre.progress')?.textContent ?? '';
    expect(panel.report!.ok, output).to.equal(true);
    expect(output).to.match(/#\d+ \[wasi 1\/1\] COPY hello\.wasm data\.txt \//);
    expect(output).to.match(
      /#\d+ \[wasi-run 1\/1\] RUN \["\/hello\.wasm", "--write", "\/built\.txt"\]/,
    );
    expect(output).to.match(/#\d+ \d+\.\d+ wrote \/built\.txt/);
    // Nothing needed the guest.
    expect(panel.status).to.match(/^done in /);

    const target = panel.report!.targets[0]!;
    expect(target.platform).to.equal('wasi/wasm');
    expect(target.files.map((f) => f.path)).to.deep.equal([
      '/built.txt',
      '/data.txt',
      '/hello.wasm',
    ]);
    expect(target.wasiEntrypoint).to.deep.equal([
      '/hello.wasm',
      'from',
      'the',
      'image',
    ]);
    expect(panel.report!.changes).to.satisfy((changes: object) =>
      Object.values(changes).some((list) =>
        list.some((c: { path: string }) => c.path === '/built.txt'),
      ),
    );

    await panel.updateComplete;
    const run = await waitFor(
      () => deep(panel, 'wasi-run-panel', 'button.run') as HTMLButtonElement,
      'the Run button',
    );
    run.click();
    const stdout = await waitFor(
      () => deep(panel, 'wasi-run-panel', 'pre.stdout')?.textContent,
      'the entrypoint output',
      20000,
    );
    expect(stdout).to.equal(
      [
        'Hello, Slipway, from WebAssembly (wasm32-wasi)!',
        'argv[0] = /hello.wasm',
        'argv[1] = from',
        'argv[2] = the',
        'argv[3] = image',
        'files in /:',
        '  built.txt',
        '  data.txt',
        '  hello.wasm',
        '/data.txt: This file was copied into the image from the build context.',
        '',
      ].join('\n'),
    );
    expect(deep(panel, 'wasi-run-panel', '.exit')?.textContent).to.match(
      /exit code 0 in \d+ ms/,
    );
  });
});

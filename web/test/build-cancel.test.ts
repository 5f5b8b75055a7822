// Stopping a browser build: Cancel stops the running RUN (in the v86 guest,
// or a WASI program's worker) and the build ends CANCELED as BuildKit's
// plain progress shows it; the time limit per RUN fails a step that runs
// too long; either way the next build works. The guest's serial console
// shows in the guest console, dimmed.

import { expect } from '@esm-bundle/chai';
import type { BuildOptions, BuildPlan } from '../../core/src/index.ts';
import type { V86BuildPanel } from '../src/v86/build-panel.ts';
import '../src/v86/build-panel.ts';
import { emptyDir, putNode, type DirNode } from '../src/v86/file-tree.ts';
import { createPlannerClient } from '../src/planner-client.ts';
import { waitFor } from './helpers.ts';

const CANCELED = 'ERROR: failed to solve: Canceled: context canceled';

// A WASI command whose _start loops for ever: (loop br 0).
const LOOPS = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
  0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02,
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x06, 0x5f, 0x73, 0x74,
  0x61, 0x72, 0x74, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x03, 0x40, 0x0c,
  0x00, 0x0b, 0x0b,
]);
const WASI_LOOP = `FROM --platform=wasi/wasm scratch
COPY loop.wasm /
RUN ["/loop.wasm"]
`;

describe('stopping a build in the page', function () {
  // The guest boots once (or restores), then again after each stop.
  this.timeout(120000);
  let panel: V86BuildPanel;

  before(async () => {
    panel = document.createElement('v86-build-panel');
    panel.config = {
      guestUrl: '/public/guest/',
      imagesUrl: '/public/images/',
      stateDatabase: 'slipway-guest-test',
      imageDatabase: 'slipway-images-test',
    };
    panel.noCache = true;
    panel.context = async () => loopContext();
    document.body.append(panel);
    await panel.updateComplete;
  });

  after(() => panel.remove());

  it('cancels a RUN in the guest; the next build works', async () => {
    await show('FROM busybox:1.36\nRUN echo started; sleep 60\n');
    press('button.primary');
    await waitFor(() => output().includes('started'), 'the RUN', 60000);
    press('button.cancel');
    await waitFor(() => !panel.running, 'the canceled build', 20000);

    const lines = output().trimEnd().split('\n');
    expect(lines.at(-1)).to.equal(CANCELED);
    const run = lines.findIndex((l) => /\[2\/2\] RUN echo started/.test(l));
    const index = lines[run]!.match(/^#(\d+) /)![1];
    expect(lines).to.include(`#${index} CANCELED`);
    expect(output()).to.not.match(/------/);
    expect(panel.status).to.match(/^canceled in /);
    expect(root().querySelector('button.cancel')).to.equal(null);

    await show('FROM busybox:1.36\nRUN echo again\n');
    press('button.primary');
    await waitFor(() => !panel.running, 'the next build', 60000);
    expect(panel.report?.ok, output()).to.equal(true);
    expect(output()).to.match(/#\d+ \d+\.\d+ again/);
  });

  it('shows the guest serial console dimmed in the guest console', async () => {
    // The last build ran one job: /init answered it with @@EXIT.
    const dim = await waitFor(() => {
      const rows = consoleRows();
      return rows.some((r) => /^@@EXIT \d+ 0$/.test(r.dim)) && rows;
    }, 'an @@EXIT line');
    const exit = dim.find((r) => /^@@EXIT/.test(r.dim))!;
    expect(exit.text).to.equal(exit.dim);
    // Step output is not dimmed.
    const again = dim.find((r) => r.text === 'again');
    expect(again?.dim).to.equal('');
  });

  it('fails a RUN that runs past the time limit', async () => {
    await show('FROM busybox:1.36\nRUN sleep 60\n');
    const limit = root().querySelector('input.timeout') as HTMLInputElement;
    limit.value = '2';
    limit.dispatchEvent(new Event('change'));
    expect(panel.timeoutSeconds).to.equal(2);
    press('button.primary');
    await waitFor(() => !panel.running, 'the build', 60000);

    const error =
      'process "/bin/sh -c sleep 60" did not finish within the page\'s time limit per RUN (2s) and was stopped';
    const lines = output().trimEnd().split('\n');
    expect(lines.at(-1)).to.equal(`ERROR: failed to solve: ${error}`);
    expect(lines.some((l) => l.endsWith(` ERROR: ${error}`))).to.equal(true);

    await show('FROM busybox:1.36\nRUN echo in time\n');
    press('button.primary');
    await waitFor(() => !panel.running, 'the next build', 60000);
    expect(panel.report?.ok, output()).to.equal(true);
  });

  it('cancels a WASI program that never ends; the next build works', async () => {
    panel.timeoutSeconds = 0;
    await show(WASI_LOOP, ['wasi/wasm']);
    press('button.primary');
    await waitFor(
      () => output().includes('RUN ["/loop.wasm"]'),
      'the WASI step',
      20000,
    );
    // Let it spin a moment in its worker.
    await new Promise((resolve) => setTimeout(resolve, 300));
    press('button.cancel');
    await waitFor(() => !panel.running, 'the canceled build', 20000);
    const lines = output().trimEnd().split('\n');
    expect(lines.at(-1)).to.equal(CANCELED);
    expect(lines.some((l) => /^#\d+ CANCELED$/.test(l))).to.equal(true);

    await show('FROM busybox:1.36\nRUN echo after wasi\n');
    press('button.primary');
    await waitFor(() => !panel.running, 'the next build', 60000);
    expect(panel.report?.ok, output()).to.equal(true);
    expect(output()).to.match(/#\d+ \d+\.\d+ after wasi/);
  });

  it('stops a WASI program at the time limit', async () => {
    panel.timeoutSeconds = 1;
    await show(WASI_LOOP, ['wasi/wasm']);
    press('button.primary');
    await waitFor(() => !panel.running, 'the build', 20000);
    expect(output().trimEnd().split('\n').at(-1)).to.equal(
      'ERROR: failed to solve: process "/loop.wasm" did not finish within the page\'s time limit per RUN (1s) and was stopped',
    );
  });

  /** Plans a Dockerfile and hands it to the panel as the page would. */
  async function show(dockerfile: string, platforms = ['linux/386']) {
    const options: BuildOptions = { platforms };
    const planner = createPlannerClient();
    let plan: BuildPlan | undefined;
    try {
      plan = (await planner.api.plan({ dockerfile, options })).plan;
    } finally {
      planner.dispose();
    }
    expect(plan?.ok, JSON.stringify(plan?.diagnostics)).to.equal(true);
    panel.dockerfile = dockerfile;
    panel.options = options;
    panel.plan = plan;
    await panel.updateComplete;
  }

  function root(): ShadowRoot {
    return panel.shadowRoot!;
  }

  function press(selector: string) {
    const button = root().querySelector(selector) as HTMLButtonElement | null;
    if (!button) throw new Error(`no ${selector}`);
    expect(button.disabled).to.equal(false);
    button.click();
  }

  function output(): string {
    return root().querySelector('pre.progress')?.textContent ?? '';
  }

  /** Each console row's text and the part of it drawn dimmed. */
  function consoleRows(): { text: string; dim: string }[] {
    const screen = root().querySelector('guest-console')?.shadowRoot;
    const rows = screen?.querySelector('.xterm-rows')?.children ?? [];
    const clean = (s: string | null) =>
      (s ?? '').replace(/\u00a0/g, ' ').trimEnd();
    return [...rows].map((row) => ({
      text: clean(row.textContent),
      dim: clean(
        [...row.querySelectorAll('.xterm-dim')]
          .map((s) => s.textContent)
          .join(''),
      ),
    }));
  }
});

function loopContext(): DirNode {
  const root = emptyDir();
  putNode(root, 'loop.wasm', {
    type: 'file',
    mode: 0o755,
    uid: 0,
    gid: 0,
    mtime: 0,
    data: LOOPS,
  });
  return root;
}

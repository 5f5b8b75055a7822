// Every example of examples/index.json, run from the page as a user would:
// picked in <slipway-app>, planned with the options it declares, built with
// the Build button in one shared v86 guest, and checked against the output
// its README shows. Where the page cannot build a platform the test checks
// the reason the page shows (none of the examples, now that the guest runs
// linux/amd64, linux/arm64 and linux/arm/v7 steps under QEMU).

import { expect } from '@esm-bundle/chai';
import type { SlipwayApp } from '../src/slipway-app.ts';
import type { V86BuildPanel } from '../src/v86/build-panel.ts';
import type { WasiRunPanel } from '../src/wasi/wasi-run-panel.ts';
import '../src/slipway-app.ts';
import { deep, fetchExampleFiles, waitFor } from './helpers.ts';

/** What an example's README shows, and what the page must show for it. */
interface Expected {
  /** Progress lines (without `#N` and times) the README and the page show. */
  shown?: string[];
  /** Text the progress must not hold, e.g. a skipped stage's steps. */
  absent?: RegExp[];
  /** The progress's last line when the build fails on purpose. */
  error?: string;
  /** Why the page does not build the example; Build stays off. */
  blocked?: string;
  /** The stand-in Dockerfile Build runs instead of the docs' one. */
  variant?: string;
  /** Why a platform is not built in the browser, by platform. */
  unbuilt?: Record<string, string>;
  /** The platforms the build produced. */
  platforms?: string[];
  /** Paths of the local export. */
  exported?: string[];
  /** Files of the result: platform, path and text. */
  files?: { platform: string; path: string; text: string; readme?: false }[];
  /** What the WASI entrypoint prints when run (each shown in the README). */
  run?: string[];
}

const NOT_ALLOWED =
  'ERROR: failed to solve: device vendor1.com/device=foo is requested by the build but not allowed';
const HELLO = '#!/bin/sh\necho "hello, world"\n';

const EXPECTED: Record<string, Expected> = {
  'cdi-env': {
    shown: [
      '[2/2] RUN --device=vendor1.com/device   env | grep ^FOO=',
      'FOO=injected',
    ],
    platforms: ['linux/amd64'],
  },
  'cdi-not-allowed': { error: NOT_ALLOWED },
  'cdi-autoallow': {
    shown: [
      '[2/2] RUN --device=vendor1.com/device   env | grep ^FOO=',
      'FOO=injected',
    ],
    platforms: ['linux/amd64'],
  },
  'cdi-nvidia': { blocked: 'needs an NVIDIA GPU and its driver' },
  'multi-stage-copy-from-index': {
    variant: 'Dockerfile.busybox',
    shown: [
      '[stage-0 4/4] RUN cp ./hello.sh /bin/hello && chmod +x /bin/hello',
      '[stage-1 2/2] COPY --from=0 /bin/hello /bin/hello',
    ],
    files: [{ platform: 'linux/amd64', path: '/bin/hello', text: HELLO }],
  },
  'multi-stage-target': {
    variant: 'Dockerfile.busybox',
    shown: [
      '[build 1/4] FROM docker.io/library/busybox:1.36@sha256:2fa4b9813c0337c12ac3dab304526d3bc667039ea014265610d7f4312078d24e',
      '[build 2/4] WORKDIR /src',
      '[build 3/4] COPY <<EOF /src/hello.sh',
      '[build 4/4] RUN cp ./hello.sh /bin/hello && chmod +x /bin/hello',
    ],
    absent: [/stage-1/],
    files: [
      {
        platform: 'linux/amd64',
        path: '/bin/hello',
        text: HELLO,
        readme: false,
      },
      {
        platform: 'linux/amd64',
        path: '/src/hello.sh',
        text: HELLO,
        readme: false,
      },
    ],
  },
  'multi-stage-builder-stages': {
    variant: 'Dockerfile.busybox',
    shown: [
      '[builder 2/2] RUN echo "toolchain ready" > /toolchain.txt',
      '[build1 1/2] COPY source1.cpp source.cpp',
      '[build1 2/2] RUN head -n 1 source.cpp > /binary',
    ],
    absent: [/build2/],
    files: [{ platform: 'linux/amd64', path: '/binary', text: '// source1\n' }],
  },
  'multi-stage-legacy-stage2': {
    variant: 'Dockerfile.busybox',
    shown: [
      '[base 2/2] RUN echo "base"',
      'base',
      '[stage2 1/1] RUN echo "stage2"',
      'stage2',
    ],
    absent: [/stage1/],
  },
  'multi-platform-args': {
    variant: 'Dockerfile.busybox',
    // The build stage runs on the page's build platform, linux/amd64 (under
    // QEMU); the arm64 stage starts from the arm64 busybox and only copies.
    shown: [
      '[build 2/2] RUN echo "I am running on linux/amd64, building for linux/arm64" > /log',
      '[stage-1 2/2] COPY --from=build /log /log',
    ],
    platforms: ['linux/arm64'],
    files: [
      {
        platform: 'linux/arm64',
        path: '/log',
        text: 'I am running on linux/amd64, building for linux/arm64\n',
      },
    ],
  },
  'multi-platform-emulation': {
    variant: 'Dockerfile.busybox',
    shown: [
      '[linux/amd64 2/2] RUN uname -m > /arch',
      '[linux/arm64 2/2] RUN uname -m > /arch',
    ],
    platforms: ['linux/amd64', 'linux/arm64'],
    files: [
      { platform: 'linux/amd64', path: '/arch', text: 'x86_64\n' },
      { platform: 'linux/arm64', path: '/arch', text: 'aarch64\n' },
    ],
  },
  'export-binaries': {
    variant: 'Dockerfile.busybox',
    shown: [
      '[linux/amd64->arm64 build 3/3] RUN printf \'#!/bin/sh\\necho "Hello World! (%s)"\\n\' "linux/arm64" > /bin/hello   && chmod +x /bin/hello',
      '[linux/arm64 stage-1 1/1] COPY --from=build /bin/hello /',
    ],
    platforms: ['linux/amd64', 'linux/arm64'],
    exported: ['/linux_amd64/hello', '/linux_arm64/hello'],
    files: [
      {
        platform: 'linux/arm64',
        path: '/hello',
        text: '#!/bin/sh\necho "Hello World! (linux/arm64)"\n',
        readme: false,
      },
    ],
  },
  'wasi-hello': {
    shown: ['[wasi-run 1/1] RUN ["/hello.wasm", "--write", "/built.txt"]'],
    platforms: ['wasi/wasm'],
    exported: ['/built.txt', '/data.txt', '/hello.wasm'],
    run: [
      'Hello, Slipway, from WebAssembly (wasm32-wasi)!',
      'argv[1] = from',
      '/data.txt: This file was copied into the image from the build context.',
    ],
  },
};

interface IndexEntry {
  id: string;
  files: string[];
  expect: { ok: boolean; error?: string };
}

const index: { examples: IndexEntry[] } = await (
  await fetch('/examples/index.json')
).json();

/** Drops `#N ` and a log row's time from a progress line. */
function normalize(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/^#\d+ /, '').replace(/^\d+\.\d+ /, ''));
}

describe('every example, built from the page', function () {
  // One guest for all: it boots (or restores) once; amd64 and arm64 RUNs
  // take seconds each under QEMU.
  this.timeout(150000);
  let app: SlipwayApp;

  before(async () => {
    history.replaceState(null, '', `#example=${index.examples[0]!.id}`);
    app = document.createElement('slipway-app');
    app.files = await fetchExampleFiles();
    app.contextUrls = Object.fromEntries(
      index.examples.flatMap((e) =>
        e.files.map((f) => {
          const path = `/examples/${e.id}/${f}`;
          return [path, async () => path];
        }),
      ),
    );
    app.buildConfig = {
      guestUrl: '/public/guest/',
      imagesUrl: '/public/images/',
      stateDatabase: 'slipway-guest-test',
      imageDatabase: 'slipway-images-test',
    };
    document.body.append(app);
    // The panel's module loads after the page's first paint.
    const panel = await waitFor(() => {
      const element = deep(app, 'v86-build-panel') as V86BuildPanel | null;
      return element && 'settled' in element ? element : undefined;
    }, 'the build panel');
    await panel.updateComplete;
    // Every step runs, so its output shows (a CACHED step prints none).
    const noCache = panel.shadowRoot!.querySelector(
      'input[type="checkbox"]',
    ) as HTMLInputElement;
    noCache.click();
    expect(panel.noCache).to.equal(true);
  });

  after(() => {
    app.remove();
    history.replaceState(null, '', location.pathname);
  });

  it('has an expectation for every example in examples/index.json', () => {
    const ids = index.examples.map((e) => e.id);
    expect(Object.keys(EXPECTED).sort()).to.deep.equal([...ids].sort());
  });

  for (const entry of index.examples) {
    it(entry.id, async () => {
      const expected = EXPECTED[entry.id];
      if (!expected) throw new Error(`no expectation for ${entry.id}`);
      const readme = normalize(await fetchText(entry.id, 'README.md'));
      await check(app, entry, expected, readme);
    });
  }
});

async function check(
  app: SlipwayApp,
  entry: IndexEntry,
  expected: Expected,
  readme: string[],
) {
  const panel = await choose(app, entry.id);
  const root = panel.shadowRoot!;
  const button = root.querySelector('button.primary') as HTMLButtonElement;

  if (expected.blocked) {
    expect(button.disabled).to.equal(true);
    expect(root.querySelector('.blocked')?.textContent).to.contain(
      expected.blocked,
    );
    return;
  }
  if (expected.variant) {
    expect(button.textContent).to.contain(`Build ${expected.variant}`);
    expect(root.querySelector('.variant')?.textContent).to.contain(
      expected.variant,
    );
  } else {
    expect(root.querySelector('.variant')).to.equal(null);
  }
  const unbuilt = [...root.querySelectorAll('.foreign li')].map(
    (li) => li.textContent,
  );
  expect(unbuilt).to.deep.equal(
    Object.entries(expected.unbuilt ?? {}).map(([p, why]) => `${p}: ${why}`),
  );

  button.click();
  expect(panel.running).to.equal(true);
  await waitFor(() => !panel.running, `the build of ${entry.id}`, 140000);
  const output = root.querySelector('pre.progress')?.textContent ?? '';
  const lines = normalize(output);

  if (expected.error) {
    expect(entry.expect.ok).to.equal(false);
    expect(readme).to.include(expected.error);
    expect(output.trimEnd().split('\n').at(-1)).to.equal(expected.error);
    return;
  }
  expect(entry.expect.ok).to.equal(true);
  expect(panel.report?.ok, output).to.equal(true);
  for (const line of expected.shown ?? []) {
    expect(readme, `${entry.id}/README.md`).to.include(line);
    expect(lines, output).to.include(line);
  }
  for (const pattern of expected.absent ?? []) {
    expect(output).to.not.match(pattern);
  }
  const report = panel.report!;
  if (expected.platforms) {
    expect(report.targets.map((t) => t.platform)).to.deep.equal(
      expected.platforms,
    );
  }
  if (expected.exported) {
    const files = report.exported.filter((f) => f.type === 'file');
    expect(files.map((f) => f.path)).to.deep.equal(expected.exported);
  }
  for (const file of expected.files ?? []) {
    const bytes = await panel.resultFile(file.platform, file.path);
    expect(new TextDecoder().decode(bytes), file.path).to.equal(file.text);
    if (file.readme !== false) {
      expect(readme.join('\n')).to.contain(file.text.split('\n')[0]);
    }
  }
  if (expected.run) await checkRun(panel, expected.run, readme);
}

/** Picks an example and waits until the plan and the panel are ready. */
async function choose(app: SlipwayApp, id: string): Promise<V86BuildPanel> {
  const button = deep(
    app,
    'example-list',
    `button[data-id="${id}"]`,
  ) as HTMLButtonElement;
  button.click();
  await waitFor(() => app.selected === id, `example ${id} selected`);
  await waitFor(() => app.planCurrent, `the plan of ${id}`, 20000);
  const panel = deep(app, 'v86-build-panel') as V86BuildPanel;
  await waitFor(() => panel.settled, `the build panel for ${id}`, 20000);
  await panel.updateComplete;
  return panel;
}

/** Runs the image's WASI entrypoint and checks what it prints. */
async function checkRun(
  panel: V86BuildPanel,
  shown: string[],
  readme: string[],
) {
  const runs = (await waitFor(
    () => panel.shadowRoot!.querySelector('wasi-run-panel'),
    'the Run panel',
  )) as WasiRunPanel;
  await runs.updateComplete;
  (runs.shadowRoot!.querySelector('button.run') as HTMLButtonElement).click();
  const stdout = await waitFor(
    () => runs.shadowRoot!.querySelector('pre.stdout')?.textContent,
    'the program output',
    20000,
  );
  for (const line of shown) {
    expect(readme).to.include(line);
    expect(stdout.split('\n')).to.include(line);
  }
}

async function fetchText(id: string, file: string): Promise<string> {
  const response = await fetch(`/examples/${id}/${file}`);
  if (!response.ok) throw new Error(`GET ${id}/${file}: ${response.status}`);
  return response.text();
}

// The page sends the build context's ignore file to the planner, as BuildKit
// sends it with the Dockerfile, so COPY of an ignored file gets the
// CopyIgnoredFile warning `docker build --check` prints.

import { expect } from '@esm-bundle/chai';
import type { CodeEditor } from '../src/code-editor.ts';
import type { ContextFiles } from '../src/build-context.ts';
import type { PlanView } from '../src/plan-view.ts';
import type { SlipwayApp } from '../src/slipway-app.ts';
import '../src/slipway-app.ts';
import { deep, fetchExampleFiles, waitFor } from './helpers.ts';

const DOCKERFILE = 'FROM busybox:1.36\nCOPY secret.txt app.txt /\n';
const text = (s: string) => new TextEncoder().encode(s);

let app: SlipwayApp;

beforeEach(async () => {
  history.replaceState(null, '', '#example=cdi-env');
  app = document.createElement('slipway-app');
  app.files = await fetchExampleFiles();
  document.body.append(app);
  await waitFor(() => app.selected === 'cdi-env', 'the example');
});

afterEach(() => {
  app.remove();
  history.replaceState(null, '', location.pathname);
});

function drop(files: Record<string, string>) {
  const context: ContextFiles = {
    label: 'app',
    files: Object.entries(files).map(([path, data]) => ({
      path,
      data: text(data),
    })),
  };
  deep(app, 'context-drop')!.dispatchEvent(
    new CustomEvent('context-input', { detail: { context } }),
  );
}

function paste(dockerfile: string) {
  const editor = deep(app, 'dockerfile-editor', 'code-editor') as CodeEditor;
  const view = editor.view!;
  view.dispatch({
    changes: { from: 0, to: view.state.doc.length, insert: dockerfile },
    userEvent: 'input.paste',
  });
}

/** The CopyIgnoredFile warnings of the plan shown, once it is current. */
async function ignoredWarnings(count: number): Promise<string[]> {
  const messages = () =>
    (app.planCurrent ? (planView().response?.plan?.diagnostics ?? []) : [])
      .filter((d) => d.code === 'copy-ignored-file')
      .map((d) => d.message);
  await waitFor(
    () => app.planCurrent && messages().length === count,
    `${count} CopyIgnoredFile warnings`,
  );
  return messages();
}

function planView(): PlanView {
  return deep(app, 'plan-view') as PlanView;
}

describe('.dockerignore in the plan', () => {
  it('warns about COPY of a file the dropped context ignores', async () => {
    paste(DOCKERFILE);
    await ignoredWarnings(0);
    drop({
      '.dockerignore': '# not sent\nsecret.txt\n',
      'secret.txt': 'hidden\n',
      'app.txt': 'shown\n',
    });
    expect(await ignoredWarnings(1)).to.deep.equal([
      'Attempting to Copy file "secret.txt" that is excluded by .dockerignore',
    ]);

    // The page lists it like the other checks, by rule name.
    const list = deep(app, 'plan-view', 'diagnostic-list');
    const item = await waitFor(
      () =>
        [...(list?.shadowRoot?.querySelectorAll('li.warning') ?? [])].find(
          (li) => li.textContent?.includes('CopyIgnoredFile'),
        ),
      'the warning in the plan',
    );
    expect(item.querySelector('.message')?.textContent).to.contain(
      'Attempting to Copy file "secret.txt" that is excluded by .dockerignore',
    );
  });

  it('reads <Dockerfile>.dockerignore before .dockerignore', async () => {
    paste(DOCKERFILE);
    drop({
      '.dockerignore': 'secret.txt\n',
      'Dockerfile.dockerignore': 'app.txt\n',
      'secret.txt': 'hidden\n',
      'app.txt': 'shown\n',
    });
    expect(await ignoredWarnings(1)).to.deep.equal([
      'Attempting to Copy file "app.txt" that is excluded by .dockerignore',
    ]);
  });

  it("reads the example folder's .dockerignore", async () => {
    app.remove();
    const files = await fetchExampleFiles();
    files['/examples/multi-stage-builder-stages/.dockerignore'] = async () =>
      'source1.cpp\n';
    app = document.createElement('slipway-app');
    history.replaceState(null, '', '#example=multi-stage-builder-stages');
    app.files = files;
    document.body.append(app);
    await waitFor(
      () => app.selected === 'multi-stage-builder-stages',
      'the example',
    );
    expect(await ignoredWarnings(1)).to.deep.equal([
      'Attempting to Copy file "source1.cpp" that is excluded by .dockerignore',
    ]);
  });
});

// Renders a real plan's diagnostics in <diagnostic-list>: build-check
// warnings must read differently from errors.

import { expect } from '@esm-bundle/chai';
import { planBuild } from '../../core/src/index.ts';
import type { DiagnosticList } from '../src/diagnostic-list.ts';
import '../src/diagnostic-list.ts';

afterEach(() => {
  document.body.replaceChildren();
});

describe('<diagnostic-list>', () => {
  it('labels a build-check warning and links its rule', async () => {
    const source = 'FROM alpine AS Build\nCOPY --from=nowhere-$X /a /b\n';
    const plan = planBuild(source);
    const list = document.createElement('diagnostic-list') as DiagnosticList;
    list.diagnostics = plan.diagnostics;
    list.source = source;
    document.body.append(list);
    await list.updateComplete;

    const warning = list.shadowRoot!.querySelector('li.warning')!;
    expect(warning.querySelector('.severity')!.textContent).to.equal('warning');
    const link = warning.querySelector('.code a') as HTMLAnchorElement;
    expect(link.textContent).to.equal('StageNameCasing');
    expect(link.href).to.equal(
      'https://docs.docker.com/go/dockerfile/rule/stage-name-casing/',
    );

    const error = list.shadowRoot!.querySelector('li.error')!;
    expect(error.querySelector('.severity')!.textContent).to.equal('error');
  });
});

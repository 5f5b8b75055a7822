// Renders real plans in <plan-view> and reads what a person would see.

import { expect } from '@esm-bundle/chai';
import type { PlanView } from '../src/plan-view.ts';
import type { StageCard } from '../src/stage-card.ts';
import '../src/plan-view.ts';
import { fetchExample, planExample } from './helpers.ts';
import type { PlanResponse } from '../src/worker/protocol.ts';

async function render(response: PlanResponse, source: string) {
  const view = document.createElement('plan-view') as PlanView;
  view.response = response;
  view.source = source;
  document.body.append(view);
  await view.updateComplete;
  const cards = [
    ...view.shadowRoot!.querySelectorAll('stage-card'),
  ] as StageCard[];
  await Promise.all(cards.map((card) => card.updateComplete));
  return { view, cards };
}

function textOf(element: Element): string {
  const root = element.shadowRoot ?? element;
  const parts = [root.textContent ?? ''];
  for (const child of root.querySelectorAll('*')) {
    if (child.shadowRoot) parts.push(textOf(child));
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('<plan-view>', () => {
  it('marks the stages --target build1 builds and skips', async () => {
    const example = await fetchExample('multi-stage-builder-stages');
    const response = await planExample(example);
    const { cards } = await render(response, example.dockerfile);

    const badges = cards.map((card) => {
      const title = card.shadowRoot!.querySelector('h3')!.textContent;
      const badge = card.shadowRoot!.querySelector('.badge')!.textContent;
      return `${title}: ${badge}`;
    });
    expect(badges).to.deep.equal([
      '#0 builder: built',
      '#1 build1: built',
      '#2 build2: skipped',
    ]);
    expect(cards[2]!.hasAttribute('skipped')).to.equal(true);
  });

  it('lists the legacy builder steps of a skipped stage', async () => {
    const example = await fetchExample('multi-stage-legacy-stage2');
    const response = await planExample(example, { legacy: true });
    const { view, cards } = await render(response, example.dockerfile);

    const skipped = cards.filter((card) => card.hasAttribute('skipped'));
    expect(skipped.map((card) => card.stage.id)).to.deep.equal(['stage1']);
    const steps = [...view.shadowRoot!.querySelectorAll('ol.legacy li')].map(
      (li) => li.textContent,
    );
    expect(steps).to.include('Step 4/6 : RUN echo "stage1"');
  });

  it('names each step by its short vertex id, as slipway plan does', async () => {
    const example = await fetchExample('multi-stage-legacy-stage2');
    const response = await planExample(example);
    const { cards } = await render(response, example.dockerfile);

    const names = cards.flatMap((card) =>
      [...card.shadowRoot!.querySelectorAll('.step-name')].map((el) =>
        el.textContent!.replace(/\s+/g, ' ').trim(),
      ),
    );
    const plan = response.plan!;
    const expected = plan.platforms[0]!.stages.filter((stage) => stage.built)
      .flatMap((stage) => stage.vertices)
      .map((id) => {
        const short = id.replace(/^sha256:/, '').slice(0, 12);
        return `${short} ${plan.vertices[id]!.name}`;
      });
    expect(expected).to.have.length(3);
    expect(names).to.deep.equal(expected);
  });

  it('shows the injected device, its env edit and the allow badge', async () => {
    const example = await fetchExample('cdi-env');
    const response = await planExample(example);
    const { view } = await render(response, example.dockerfile);

    const text = textOf(view);
    expect(text).to.contain('--device=vendor1.com/device');
    expect(text).to.contain('vendor1.com/device=foo');
    expect(text).to.contain('FOO=injected');
    expect(text).to.contain('allowed');
    expect(text).to.contain('ready to build');
  });

  it('prints a refused device as Dockerfile:N: message', async () => {
    const example = await fetchExample('cdi-not-allowed');
    const response = await planExample(example);
    const { view } = await render(response, example.dockerfile);

    const list = view.shadowRoot!.querySelector('diagnostic-list')!;
    await list.updateComplete;
    const lines = [...list.shadowRoot!.querySelectorAll('.message')].map(
      (m) => m.textContent,
    );
    expect(
      lines.some((l) =>
        /^Dockerfile:\d+: .*device vendor1.com\/device=foo is requested by the build but not allowed/.test(
          l ?? '',
        ),
      ),
      lines.join('\n'),
    ).to.equal(true);
  });
});

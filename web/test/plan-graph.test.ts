// Draws real plans in <plan-graph> (alone and inside <plan-view>) and reads
// the nodes, edges and platform buttons a person would see.

import { expect } from '@esm-bundle/chai';
import { sendKeys } from '@web/test-runner-commands';
import type { PlanGraph } from '../src/plan-graph.ts';
import type { PlanView } from '../src/plan-view.ts';
import type { StageCard } from '../src/stage-card.ts';
import '../src/plan-graph.ts';
import '../src/plan-view.ts';
import { fetchExample, planExample, waitFor } from './helpers.ts';
import type { PlanResponse } from '../src/worker/protocol.ts';

async function renderGraph(response: PlanResponse): Promise<PlanGraph> {
  expect(response.plan, response.failure).to.not.equal(undefined);
  const graph = document.createElement('plan-graph');
  graph.plan = response.plan;
  document.body.append(graph);
  await graph.updateComplete;
  return graph;
}

/** Each stage node as `name: classes`, in the order they are focused. */
function stageNodes(graph: PlanGraph): string[] {
  return [...graph.shadowRoot!.querySelectorAll('.node')].map((node) => {
    const states = ['built', 'skipped', 'target', 'shared'].filter((c) =>
      node.classList.contains(c),
    );
    return `${node.getAttribute('data-name')}: ${states.join(' ')}`;
  });
}

/** Each edge as `from -> to (kind)`, with `skipped` when it is. */
function edges(graph: PlanGraph): string[] {
  return [...graph.shadowRoot!.querySelectorAll('.edge')].map((edge) => {
    const skipped = edge.classList.contains('skipped') ? ' skipped' : '';
    const from = edge.getAttribute('data-from');
    const to = edge.getAttribute('data-to');
    return `${from} -> ${to} (${edge.getAttribute('data-kind')})${skipped}`;
  });
}

function node(graph: PlanGraph, name: string): SVGGElement {
  const found = graph.shadowRoot!.querySelector<SVGGElement>(
    `.node[data-name="${name}"]`,
  );
  expect(found, `no node ${name}`).to.not.equal(null);
  return found!;
}

afterEach(() => {
  document.body.replaceChildren();
});

describe('<plan-graph>', () => {
  it('draws builder, build1 (built, target) and build2 (skipped)', async () => {
    const example = await fetchExample('multi-stage-builder-stages');
    const graph = await renderGraph(await planExample(example));

    expect(stageNodes(graph)).to.deep.equal([
      'builder: built',
      'build1: built target',
      'build2: skipped',
    ]);
    expect(edges(graph)).to.deep.equal([
      'builder -> build1 (from)',
      'builder -> build2 (from) skipped',
    ]);
    expect(graph.shadowRoot!.querySelector('.platforms')).to.equal(null);

    // The skip reason is the node's tooltip; the base image is on the box.
    const build2 = node(graph, 'build2');
    expect(build2.querySelector('title')!.textContent).to.contain(
      'skipped, not needed for target build1',
    );
    expect(node(graph, 'builder').textContent).to.contain('FROM alpine:latest');
    expect(build2.getAttribute('aria-label')).to.contain('FROM builder');

    // The layers run top to bottom: builder above both of its children.
    const y = (name: string) => node(graph, name).getBoundingClientRect().y;
    expect(y('builder')).to.be.below(y('build1'));
    expect(y('build1')).to.equal(y('build2'));
  });

  it('draws COPY --from=0 as an edge from #0 to the scratch stage', async () => {
    const example = await fetchExample('multi-stage-copy-from-index');
    const graph = await renderGraph(await planExample(example));

    expect(edges(graph)).to.deep.equal(['0 -> 1 (copy)']);
    const label = graph.shadowRoot!.querySelector('.label')!;
    expect(label.textContent!.trim()).to.equal('COPY --from');
    expect(node(graph, '1').textContent).to.contain('FROM scratch');
    expect(node(graph, '0').querySelector('.name')!.textContent).to.equal('#0');
  });

  it('switches between the platforms of a multi-platform plan', async () => {
    const example = await fetchExample('multi-platform-emulation');
    const graph = await renderGraph(await planExample(example));

    const buttons = [
      ...graph.shadowRoot!.querySelectorAll<HTMLButtonElement>(
        '.platforms button',
      ),
    ];
    expect(buttons.map((b) => b.textContent!.trim())).to.deep.equal([
      'linux/amd64',
      'linux/arm64',
    ]);
    const shown = () =>
      graph.shadowRoot!.querySelector('svg')!.getAttribute('data-platform');
    expect(shown()).to.equal('linux/amd64');
    expect(buttons[0]!.getAttribute('aria-pressed')).to.equal('true');

    buttons[1]!.click();
    await graph.updateComplete;
    expect(shown()).to.equal('linux/arm64');
    expect(buttons[1]!.getAttribute('aria-pressed')).to.equal('true');
  });

  it('marks a $BUILDPLATFORM stage shared and draws mounted images', async () => {
    const example = await fetchExample('multi-platform-emulation');
    const dockerfile = [
      'FROM --platform=$BUILDPLATFORM busybox AS tools',
      'RUN echo tools > /t',
      'FROM busybox',
      'RUN --mount=from=tools,target=/x --mount=from=alpine,target=/a cat /x/t',
      'COPY --from=alpine /etc/os-release /',
    ].join('\n');
    const graph = await renderGraph(
      await planExample({ ...example, dockerfile }),
    );

    expect(stageNodes(graph)).to.deep.equal([
      'tools: built shared',
      '1: built target',
    ]);
    expect(edges(graph)).to.deep.equal([
      'tools -> 1 (mount)',
      'alpine:latest -> 1 (mount)',
      'alpine:latest -> 1 (copy)',
    ]);
    const image = graph.shadowRoot!.querySelector('.image')!;
    expect(image.getAttribute('data-ref')).to.equal('alpine:latest');
    const labels = [...graph.shadowRoot!.querySelectorAll('.label')].map((l) =>
      l.textContent!.trim(),
    );
    expect(labels).to.include('RUN --mount + COPY --from');

    graph
      .shadowRoot!.querySelector<HTMLButtonElement>(
        '.platforms button[data-platform="linux/arm64"]',
      )!
      .click();
    await graph.updateComplete;
    const tools = node(graph, 'tools');
    expect(tools.textContent).to.contain('on linux/amd64');
    expect(tools.querySelector('title')!.textContent).to.contain(
      'shared with linux/amd64',
    );
  });
});

describe('<plan-view> with its graph', () => {
  async function renderView(id: string) {
    const example = await fetchExample(id);
    const view = document.createElement('plan-view') as PlanView;
    view.response = await planExample(example);
    view.source = example.dockerfile;
    document.body.append(view);
    await view.updateComplete;
    const graph = view.shadowRoot!.querySelector('plan-graph')!;
    await graph.updateComplete;
    return { view, graph };
  }

  function selectedCards(view: PlanView): string[] {
    const cards = [
      ...view.shadowRoot!.querySelectorAll('stage-card'),
    ] as StageCard[];
    return cards
      .filter((c) => c.hasAttribute('selected'))
      .map((c) => c.stage.id);
  }

  it('selects the stage card of a clicked node', async () => {
    const { view, graph } = await renderView('multi-stage-builder-stages');
    expect(selectedCards(view)).to.deep.equal([]);

    node(graph, 'build2').dispatchEvent(
      new MouseEvent('click', { bubbles: true, composed: true }),
    );
    await waitFor(() => selectedCards(view).length > 0, 'a selected card');
    expect(selectedCards(view)).to.deep.equal(['build2']);
    expect(node(graph, 'build2').getAttribute('aria-pressed')).to.equal('true');

    // Another Dockerfile whose stage 2 is another stage drops the pick.
    const legacy = await fetchExample('multi-stage-legacy-stage2');
    view.response = await planExample(legacy);
    await view.updateComplete;
    expect(selectedCards(view)).to.deep.equal([]);
  });

  it('moves between nodes with the arrow keys and picks one with Enter', async () => {
    const { view, graph } = await renderView('multi-stage-builder-stages');

    node(graph, 'builder').focus();
    await sendKeys({ press: 'ArrowDown' });
    expect(graph.shadowRoot!.activeElement?.getAttribute('data-name')).to.equal(
      'build1',
    );
    await sendKeys({ press: 'ArrowRight' });
    await graph.updateComplete;
    // The graph is one Tab stop: the stage focused last.
    const stops = graph.shadowRoot!.querySelectorAll('.node[tabindex="0"]');
    expect([...stops].map((n) => n.getAttribute('data-name'))).to.deep.equal([
      'build2',
    ]);
    await sendKeys({ press: 'Enter' });
    await waitFor(() => selectedCards(view).length > 0, 'a selected card');
    expect(selectedCards(view)).to.deep.equal(['build2']);
  });

  it('folds the graph away and keeps it folded across new plans', async () => {
    const { view } = await renderView('multi-stage-builder-stages');
    const details = view.shadowRoot!.querySelector('details.graph')!;
    expect(details.hasAttribute('open')).to.equal(true);

    details.querySelector('summary')!.click();
    await waitFor(() => !view.graphOpen, 'the graph folded');
    view.response = { ...view.response! };
    await view.updateComplete;
    expect(details.hasAttribute('open')).to.equal(false);
  });
});

// The guest console: a real xterm.js terminal in the element's shadow root,
// showing written text and step output from progress events.

import { expect } from '@esm-bundle/chai';
import type { GuestConsole } from '../src/guest-console.ts';
import '../src/guest-console.ts';
import { waitFor } from './helpers.ts';

let console_: GuestConsole;

beforeEach(async () => {
  console_ = document.createElement('guest-console');
  console_.style.width = '40rem';
  document.body.append(console_);
  await console_.updateComplete;
});

afterEach(() => console_.remove());

// The rows xterm's DOM renderer draws, as the user sees them.
function screenText(): string {
  const rows = console_.shadowRoot!.querySelector('.xterm-rows');
  return [...(rows?.children ?? [])]
    .map((row) => row.textContent!.replace(/\u00a0/g, ' ').trimEnd())
    .join('\n')
    .trimEnd();
}

describe('<guest-console>', () => {
  it('draws the text it is given, one line per newline', async () => {
    console_.write('hello from the guest\nsecond line\n');
    await waitFor(
      () => screenText().includes('second line'),
      'the text on screen',
    );
    expect(screenText().split('\n').slice(0, 2)).to.deep.equal([
      'hello from the guest',
      'second line',
    ]);
  });

  it('uses xterm.js styles inside its shadow root', () => {
    const screen = console_.shadowRoot!.querySelector('.xterm-screen')!;
    // xterm.css positions the screen; without it the element is static.
    expect(getComputedStyle(screen).position).to.equal('relative');
    const helper = console_.shadowRoot!.querySelector('.xterm-helpers')!;
    expect(getComputedStyle(helper).position).to.equal('absolute');
  });

  it('writes a step header before its output, and errors', async () => {
    const time = 0;
    console_.writeProgress({
      kind: 'vertex-start',
      vertex: 'v1',
      name: '[2/2] RUN env',
      time,
    });
    console_.writeProgress({
      kind: 'vertex-log',
      vertex: 'v1',
      stream: 1,
      data: 'FOO=inj',
      time,
    });
    console_.writeProgress({
      kind: 'vertex-log',
      vertex: 'v1',
      stream: 1,
      data: 'ected\n',
      time,
    });
    console_.writeProgress({
      kind: 'vertex-error',
      vertex: 'v1',
      error: 'exit code: 1',
      time,
    });
    await waitFor(() => screenText().includes('ERROR'), 'the error');
    expect(screenText()).to.equal(
      '[2/2] RUN env\nFOO=injected\nERROR: exit code: 1',
    );
  });

  it('draws serial console lines dimmed, whole, between step output', async () => {
    console_.writeProgress({
      kind: 'vertex-start',
      vertex: 'v1',
      name: '[2/2] RUN env',
      time: 0,
    });
    console_.writeProgress({
      kind: 'vertex-log',
      vertex: 'v1',
      stream: 1,
      data: 'partial',
      time: 0,
    });
    // A serial line in pieces; it waits for its newline and never joins
    // the step's unfinished line.
    console_.writeSerial('@@EXIT 3');
    console_.writeSerial(' 0\r\n[    0.5');
    console_.writeProgress({
      kind: 'vertex-log',
      vertex: 'v1',
      stream: 1,
      data: ' line\n',
      time: 0,
    });
    await waitFor(() => screenText().includes(' line'), 'the step output');
    expect(screenText()).to.equal(
      '[2/2] RUN env\npartial\n@@EXIT 3 0\n[2/2] RUN env\n line',
    );

    const dim = [
      ...console_.shadowRoot!.querySelectorAll('.xterm-rows .xterm-dim'),
    ].map((span) => span.textContent);
    expect(dim.join('')).to.equal('@@EXIT 3 0');
    const header = console_.shadowRoot!.querySelector('.xterm-rows span');
    expect(header?.classList.contains('xterm-dim')).to.equal(false);
  });

  it('shows a canceled step as CANCELED', async () => {
    console_.writeProgress({
      kind: 'vertex-error',
      vertex: 'v1',
      error: 'Canceled: context canceled',
      time: 0,
    });
    await waitFor(() => screenText() === 'CANCELED', 'CANCELED');
  });

  it('starts empty again after clear()', async () => {
    console_.write('old output\n');
    await waitFor(() => screenText().includes('old'), 'the first text');
    console_.clear();
    console_.write('new\n');
    await waitFor(() => screenText() === 'new', 'only the new text');
  });
});

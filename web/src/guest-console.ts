// <guest-console>: a terminal (xterm.js) showing what the v86 guest's steps
// print, raw and as it arrives, with a header line per step, and the guest's
// serial console (boot messages, `/init`'s lines) dimmed between them.

import { LitElement, html, css, unsafeCSS } from 'lit';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import xtermStyles from '@xterm/xterm/css/xterm.css?inline';
import type { ProgressEvent } from '../../core/src/index.ts';
import { isCanceled } from './v86/build-stop.ts';

const SCROLLBACK = 5000;
const HEADER = '\x1b[1;36m';
const ERROR = '\x1b[1;31m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/** Shows a guest's raw output in a read-only terminal. */
export class GuestConsole extends LitElement {
  static override styles = [
    unsafeCSS(xtermStyles),
    css`
      :host {
        display: block;
      }
      .screen {
        height: var(--guest-console-height, 18rem);
        padding: 0.4rem;
        border-radius: 8px;
        background: #0d1117;
        overflow: hidden;
      }
    `,
  ];

  private terminal: Terminal | undefined;
  private fitAddon: FitAddon | undefined;
  private resizer: ResizeObserver | undefined;
  // Written before the terminal exists; replayed when it opens.
  private pending: string[] = [];
  private names = new Map<string, string>();
  private lastLogged: string | undefined;
  /** Whether the last text written ended a line. */
  private atLineStart = true;
  /** The serial console's unfinished last line. */
  private serialLine = '';

  override render() {
    return html`<div class="screen"></div>`;
  }

  override firstUpdated() {
    this.open();
  }

  override connectedCallback() {
    super.connectedCallback();
    if (this.hasUpdated && !this.terminal) this.open();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.resizer?.disconnect();
    this.terminal?.dispose();
    this.terminal = undefined;
  }

  /** Writes text as the guest printed it (`\n` starts a new line). */
  write(text: string) {
    if (text === '') return;
    this.atLineStart = text.endsWith('\n');
    if (this.terminal) this.terminal.write(text);
    else this.pending.push(text);
  }

  /**
   * Writes what the guest printed on its serial console, dimmed and one
   * whole line at a time, so it never splits a step's line.
   */
  writeSerial(text: string) {
    const lines = (this.serialLine + text).replace(/\r/g, '').split('\n');
    this.serialLine = lines.pop() ?? '';
    if (lines.length === 0) return;
    if (!this.atLineStart) this.write('\n');
    this.write(lines.map((line) => `${DIM}${line}${RESET}\n`).join(''));
    // The next step output gets its header again.
    this.lastLogged = undefined;
  }

  /** Writes the guest output a progress event carries, under its step's name. */
  writeProgress(event: ProgressEvent) {
    if (event.kind === 'vertex-start') {
      this.names.set(event.vertex, event.name);
    } else if (event.kind === 'vertex-log') {
      if (this.lastLogged !== event.vertex) {
        const name = this.names.get(event.vertex) ?? event.vertex;
        if (!this.atLineStart) this.write('\n');
        this.write(`${HEADER}${name}${RESET}\n`);
        this.lastLogged = event.vertex;
      }
      this.write(event.data);
    } else if (event.kind === 'vertex-error') {
      if (!this.atLineStart) this.write('\n');
      const text = isCanceled(event.error)
        ? 'CANCELED'
        : `ERROR: ${event.error}`;
      this.write(`${ERROR}${text}${RESET}\n`);
      this.lastLogged = undefined;
    }
  }

  /** Empties the screen and the scrollback, e.g. when a new build starts. */
  clear() {
    this.pending = [];
    this.names.clear();
    this.lastLogged = undefined;
    this.atLineStart = true;
    this.serialLine = '';
    this.terminal?.reset();
  }

  private open() {
    const screen = this.renderRoot.querySelector<HTMLElement>('.screen')!;
    const fonts = getComputedStyle(this).getPropertyValue('--font-mono');
    const terminal = new Terminal({
      convertEol: true,
      disableStdin: true,
      cursorInactiveStyle: 'none',
      scrollback: SCROLLBACK,
      fontFamily: fonts.trim() || 'monospace',
      fontSize: 13,
      theme: { background: '#0d1117', foreground: '#e6edf3' },
    });
    this.fitAddon = new FitAddon();
    terminal.loadAddon(this.fitAddon);
    terminal.open(screen);
    this.terminal = terminal;

    // Columns follow the panel's width; a hidden console proposes no size.
    this.resizer = new ResizeObserver(() => this.fitAddon?.fit());
    this.resizer.observe(screen);
    for (const text of this.pending) terminal.write(text);
    this.pending = [];
  }
}

customElements.define('guest-console', GuestConsole);

declare global {
  interface HTMLElementTagNameMap {
    'guest-console': GuestConsole;
  }
}

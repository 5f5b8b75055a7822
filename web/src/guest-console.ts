// <guest-console>: a terminal (xterm.js) showing what the v86 guest's steps
// print, raw and as it arrives, with a header line per step.

import { LitElement, html, css, unsafeCSS } from 'lit';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import xtermStyles from '@xterm/xterm/css/xterm.css?inline';
import type { ProgressEvent } from '../../core/src/index.ts';

const SCROLLBACK = 5000;
const HEADER = '\x1b[1;36m';
const ERROR = '\x1b[1;31m';
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
    if (this.terminal) this.terminal.write(text);
    else this.pending.push(text);
  }

  /** Writes the guest output a progress event carries, under its step's name. */
  writeProgress(event: ProgressEvent) {
    if (event.kind === 'vertex-start') {
      this.names.set(event.vertex, event.name);
    } else if (event.kind === 'vertex-log') {
      if (this.lastLogged !== event.vertex) {
        const name = this.names.get(event.vertex) ?? event.vertex;
        this.write(`${HEADER}${name}${RESET}\n`);
        this.lastLogged = event.vertex;
      }
      this.write(event.data);
    } else if (event.kind === 'vertex-error') {
      this.write(`${ERROR}ERROR: ${event.error}${RESET}\n`);
      this.lastLogged = undefined;
    }
  }

  /** Empties the screen and the scrollback, e.g. when a new build starts. */
  clear() {
    this.pending = [];
    this.names.clear();
    this.lastLogged = undefined;
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

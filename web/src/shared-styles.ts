// Styles every playground element shares: type, badges, code and headings.
// Colours come from custom properties set on the page (see index.html).

import { css } from 'lit';

/** Base styles for the playground's elements. */
export const sharedStyles = css`
  :host {
    display: block;
    color: var(--fg);
    font: var(--font-size) / 1.45 var(--font-sans);
  }
  code,
  pre,
  .mono {
    font-family: var(--font-mono);
    font-size: var(--font-size-mono);
  }
  pre {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  h2,
  h3,
  h4 {
    margin: 0;
    font-weight: 600;
    line-height: 1.25;
  }
  h2 {
    font-size: 0.8rem;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--fg-muted);
  }
  .muted {
    color: var(--fg-muted);
  }
  .badge {
    display: inline-block;
    padding: 0.05rem 0.45rem;
    border-radius: 999px;
    border: 1px solid transparent;
    font-size: 0.72rem;
    font-weight: 600;
    letter-spacing: 0.03em;
    text-transform: uppercase;
    vertical-align: 0.1em;
    white-space: nowrap;
  }
  .badge.ok {
    color: var(--ok-fg);
    background: var(--ok-bg);
    border-color: var(--ok-border);
  }
  .badge.off {
    color: var(--fg-muted);
    background: var(--bg-subtle);
    border-color: var(--border);
  }
  .badge.error {
    color: var(--error-fg);
    background: var(--error-bg);
    border-color: var(--error-border);
  }
  .badge.warning {
    color: var(--warn-fg);
    background: var(--warn-bg);
    border-color: var(--warn-border);
  }
  .badge.info {
    color: var(--accent);
    background: var(--accent-bg);
    border-color: var(--accent-border);
  }
  textarea,
  input[type='text'] {
    box-sizing: border-box;
    width: 100%;
    padding: 0.4rem 0.5rem;
    border: 1px solid var(--border);
    border-radius: 6px;
    background: var(--bg);
    color: var(--fg);
    font-family: var(--font-mono);
    font-size: var(--font-size-mono);
  }
  textarea {
    resize: vertical;
    line-height: 1.5;
    tab-size: 2;
  }
  textarea:focus,
  input:focus {
    outline: 2px solid var(--accent-border);
    outline-offset: -1px;
    border-color: var(--accent);
  }
  button {
    font: inherit;
    font-size: 0.85rem;
    padding: 0.2rem 0.6rem;
    border: 1px solid var(--border);
    border-radius: 6px;
    background: var(--bg);
    color: var(--fg);
    cursor: pointer;
  }
  button:hover {
    background: var(--bg-subtle);
  }
`;

/** A row of actions and the bigger buttons panels put in it. */
export const actionStyles = css`
  .bar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.6rem;
    align-items: center;
  }
  button {
    font: inherit;
    padding: 0.3rem 0.8rem;
    border-radius: 6px;
    border: 1px solid var(--border);
    background: var(--bg-subtle);
    color: var(--fg);
    cursor: pointer;
  }
`;

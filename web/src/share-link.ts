// The playground's state in the address: `#example=ID` for an example as it
// ships, `&state=…` (JSON, deflated with fflate, base64url) once edited, so a
// copied link reopens the same Dockerfile, CDI specs and build options.

import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import type { CdiSpecFile } from '../../core/src/index.ts';
import { createEmptyDraft, type OptionsDraft } from './options-draft.ts';

/** What a link restores. */
export interface SharedState {
  /** The selected example's id, if any. */
  example?: string;
  dockerfile: string;
  specs: CdiSpecFile[];
  draft: OptionsDraft;
}

/** What an address names: an example, and the edited state when there is one. */
export interface AddressState {
  example?: string;
  state?: SharedState;
}

const VERSION = 1;

/** Reads `#example=ID&state=…`; a state that does not decode is ignored. */
export function readAddress(hash: string): AddressState {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const encoded = params.get('state');
  const state = encoded ? decodeState(encoded) : undefined;
  const example = params.get('example') ?? state?.example ?? undefined;
  return { example, state };
}

/**
 * Returns the address hash for `state`: only the example's id while the
 * state is the example's own (`pristine`), the whole state once edited.
 */
export function formatAddress(
  state: SharedState,
  pristine?: SharedState,
): string {
  const params = new URLSearchParams();
  if (state.example !== undefined) params.set('example', state.example);
  if (!pristine || !sameState(state, pristine)) {
    params.set('state', encodeState(state));
  }
  const text = params.toString();
  return text ? `#${text}` : '';
}

/** Packs a state as deflated JSON in base64url. */
export function encodeState(state: SharedState): string {
  const json = JSON.stringify({ v: VERSION, ...state });
  return toBase64Url(deflateSync(strToU8(json), { level: 9 }));
}

/** Unpacks `encodeState`'s text; undefined when it is not such a state. */
export function decodeState(text: string): SharedState | undefined {
  let data: unknown;
  try {
    data = JSON.parse(strFromU8(inflateSync(fromBase64Url(text))));
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const value = data as Record<string, unknown>;
  if (value.v !== VERSION || typeof value.dockerfile !== 'string') {
    return undefined;
  }
  const specs = Array.isArray(value.specs) ? value.specs.filter(isSpec) : [];
  const draft = { ...createEmptyDraft(), ...(value.draft as object) };
  const example = typeof value.example === 'string' ? value.example : undefined;
  return { example, dockerfile: value.dockerfile, specs, draft };
}

/** Says whether two states hold the same example, text, specs and options. */
export function sameState(a: SharedState, b: SharedState): boolean {
  return JSON.stringify(order(a)) === JSON.stringify(order(b));
}

function order(s: SharedState) {
  const draft = Object.fromEntries(
    Object.entries(s.draft).sort(([x], [y]) => (x < y ? -1 : 1)),
  );
  const specs = s.specs.map((f) => [f.path, f.priority, f.text]);
  return [s.example ?? null, s.dockerfile, specs, draft];
}

function isSpec(value: unknown): value is CdiSpecFile {
  const f = value as CdiSpecFile;
  return (
    typeof f === 'object' &&
    f !== null &&
    typeof f.path === 'string' &&
    typeof f.priority === 'number' &&
    typeof f.text === 'string'
  );
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary)
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

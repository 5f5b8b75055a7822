// Tells every view of the page, and the page from its workers, that stored
// data (guest snapshots, the image store) changed, over a BroadcastChannel.

import type { ReactiveController, ReactiveControllerHost } from 'lit';

const CHANNEL = 'slipway-stored-data';
let sender: BroadcastChannel | undefined;

/** Tells listeners in this page and its workers to read stored data again. */
export function announceStoreChange(): void {
  sender ??= new BroadcastChannel(CHANNEL);
  sender.postMessage('changed');
}

/** Calls `listener` after each announced change; returns a way to stop. */
export function onStoreChange(listener: () => void): () => void {
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = () => listener();
  return () => channel.close();
}

/**
 * Calls `refresh` when its element connects and after each announced
 * change while it stays connected.
 */
export class StoreChangeController implements ReactiveController {
  private stop: (() => void) | undefined;

  constructor(
    host: ReactiveControllerHost,
    private readonly refresh: () => void,
  ) {
    host.addController(this);
  }

  hostConnected() {
    this.stop = onStoreChange(this.refresh);
    this.refresh();
  }

  hostDisconnected() {
    this.stop?.();
    this.stop = undefined;
  }
}

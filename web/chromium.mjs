// Debian's Chromium as every browser test starts it: where it is
// (CHROMIUM_PATH or /usr/bin/chromium) and the flags for a headless run
// as root in a container.

/** The Chromium binary the browser tests run. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet headless Chromium without a sandbox. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

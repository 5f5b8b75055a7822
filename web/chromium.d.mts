// Types for web/chromium.mjs, which the test runner's config loads as is.

/** The Chromium binary the browser tests run. */
export const chromiumPath: string;

/** Flags for a quiet headless Chromium without a sandbox. */
export const chromiumArgs: string[];

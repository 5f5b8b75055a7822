// `npm run bench:browser`: the browser test set-up (Debian's Chromium,
// headless) pointed at the measurements under bench/browser.

import config from '../../web-test-runner.config.mjs';

export default {
  ...config,
  files: ['bench/browser/**/*.bench.ts'],
  testFramework: { config: { timeout: 600000 } },
};

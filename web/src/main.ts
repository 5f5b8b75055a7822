// The playground's entry module: defines the page's elements and hands the
// app the example files vite bundled (their URLs a moment later) and, under
// the dev server, this host's CDI spec files.

import { exampleFiles } from './example-files.ts';
import { getDevHostCdiSource } from './host-cdi-specs.ts';
import './slipway-app.ts';

const app = document.querySelector('slipway-app');
if (app) {
  app.files = exampleFiles;
  app.hostCdi = getDevHostCdiSource();
  // Only builds and the context list need the files' URLs.
  void import('./example-context-urls.ts').then((m) => {
    app.contextUrls = m.exampleContextUrls;
  });
}

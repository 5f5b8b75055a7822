// The playground's entry module: defines the page's elements and hands the
// app the example files vite bundled and, under the dev server, this host's
// CDI spec files.

import { exampleContextUrls } from './example-context-urls.ts';
import { exampleFiles } from './example-files.ts';
import { getDevHostCdiSource } from './host-cdi-specs.ts';
import './slipway-app.ts';

const app = document.querySelector('slipway-app');
if (app) {
  app.files = exampleFiles;
  app.contextUrls = exampleContextUrls;
  app.hostCdi = getDevHostCdiSource();
}

// The playground's entry module: defines the page's elements and hands the
// app the example files vite bundled.

import { exampleFiles } from './example-files.ts';
import './slipway-app.ts';

const app = document.querySelector('slipway-app');
if (app) app.files = exampleFiles;

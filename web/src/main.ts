// The playground's entry module: defines the page's elements.

import './slipway-app.ts';

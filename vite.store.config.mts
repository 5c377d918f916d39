import { screenBuild } from './vite.screens.mts';

// The store screen (issue 14): its own entry, so the till's bundle does not grow, served
// by the store server at `/`. The same React, styles and money helpers as the till.
export default screenBuild('./renderer/store', './dist/store');

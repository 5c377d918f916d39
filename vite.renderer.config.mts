import { screenBuild } from './vite.screens.mts';

// The till's screens: served by the Electron host on app://till/ and the web host on
// http://127.0.0.1:PORT/.
export default screenBuild('./renderer', './dist/renderer');

import { contextBridge, ipcRenderer } from 'electron';
import { exposeTillApi } from './expose-till-api';

// Bundled by vite.preload.config.mts into dist/preload/preload.js: a sandboxed preload can
// require only `electron`, not our other files.
exposeTillApi({ contextBridge, ipcRenderer });

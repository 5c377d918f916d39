import { createTillApi, type IpcRendererLike } from './till-api';

/** The page finds the API at `window.till`; the renderer falls back to the web bridge without it. */
export const TILL_API_KEY = 'till';

export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

export function exposeTillApi(electron: { contextBridge: ContextBridgeLike; ipcRenderer: IpcRendererLike }): void {
  electron.contextBridge.exposeInMainWorld(TILL_API_KEY, createTillApi(electron.ipcRenderer));
}

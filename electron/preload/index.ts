import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '../../shared/api/bridge';
import { buildBridge } from './bridge';

// The sandboxed preload's only job: expose the app API as named functions, never ipcRenderer.
contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, buildBridge(ipcRenderer));

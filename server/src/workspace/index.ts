// The workspace layer's facade: a store of every requirements file and the contexts features read.

import { createContextProvider, type ContextProvider } from './context.js';
import { nodeDisk, readerDisk, type DiskAccess } from './disk.js';
import type { FileReader } from './includes.js';
import { createWorkspaceStore, type StoreOptions, type WorkspaceStore } from './store.js';

export type { FileContext, ContextProvider } from './context.js';
export type { WorkspaceStore } from './store.js';
export type { DiskAccess } from './disk.js';
export { batchDisk } from './disk.js';

export interface Workspace extends ContextProvider {
  store: WorkspaceStore;
}

export function createWorkspace(options: { disk?: DiskAccess; env?: Record<string, string | undefined> } & Omit<StoreOptions, 'disk'> = {}): Workspace {
  const store = createWorkspaceStore({ ...options, disk: options.disk ?? nodeDisk });
  return Object.assign(createContextProvider(store, options.env), { store });
}

/** A workspace over a text reader (tests, in-memory files): always current, no background re-reads needed. */
export function workspaceOf(read: FileReader, env?: Record<string, string | undefined>): Workspace {
  return createWorkspace({ disk: readerDisk(read), env, recheckMs: 0 });
}

// Watching an environment's site-packages (and the environment itself) so diagnostics follow `pip install` live.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Disposable {
  dispose(): void;
}

/**
 * Calls `onChange` (debounced) when a distribution appears or disappears in any of `folders`, or the
 * environment's root is deleted or re-created. A folder that vanishes is polled for until it returns.
 */
export function watchEnvironment(root: string, folders: string[], onChange: () => void, debounceMs = 300): Disposable {
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  const watchers: fs.FSWatcher[] = [];
  const fire = () => {
    if (disposed) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watch = (folder: string) => {
    try {
      const w = fs.watch(folder, { persistent: false }, fire);
      w.on('error', () => {
        w.close();
        fire();
      });
      watchers.push(w);
    } catch {
      /* the folder is gone; the poll below notices when it is back */
    }
  };
  for (const f of folders) watch(f);
  watch(root);
  watch(path.dirname(root)); // the environment folder itself being deleted or re-created
  // fs.watch on a deleted folder stops reporting; a slow poll of pyvenv.cfg covers deletion and re-creation.
  let existed = fs.existsSync(root);
  const poll = setInterval(() => {
    const exists = fs.existsSync(root);
    if (exists !== existed) {
      existed = exists;
      fire();
    }
  }, 1000);
  poll.unref();
  return {
    dispose() {
      disposed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const w of watchers) w.close();
    },
  };
}

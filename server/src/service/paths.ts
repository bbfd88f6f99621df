// Requires-Python checks for the service layer (PEP 440 itself is in shared/pep440.ts).

import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { uriToPath } from '../shared/uri.js';

export { pythonAllows } from '../shared/pep440.js';

/** The one URI → path conversion (shared/uri.ts), under the name the service uses. */
export const uriToFilePath = uriToPath;

/** The `file:` URI of an absolute path; other names (untitled documents) as they are. */
export function fileUri(filePath: string): string {
  return path.isAbsolute(filePath) ? pathToFileURL(filePath).toString() : filePath;
}

// Small shared helpers of the service layer: file URIs to paths, and Requires-Python checks.

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { versionSatisfies } from './environmentDiagnostics.js';

export function uriToFilePath(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** The `file:` URI of an absolute path; other names (untitled documents) as they are. */
export function fileUri(filePath: string): string {
  return path.isAbsolute(filePath) ? pathToFileURL(filePath).toString() : filePath;
}

/** Whether Python `version` meets a Requires-Python specifier (`>=3.8`); undefined when it cannot be read. */
export function pythonAllows(version: string, spec: string): boolean | undefined {
  return /^[\s,<>=!~0-9.*]+$/.test(spec) ? versionSatisfies(version, spec.replace(/\s+/g, '')) : undefined;
}

// The one conversion from a document URI to a file path: file: URIs decoded, anything else (untitled:) kept as is.

import { fileURLToPath } from 'node:url';

export function uriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

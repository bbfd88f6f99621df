// The part of an include graph other modules read: the documents it reached.

import type { ParsedDocument } from '../syntax/types.js';

export interface IndexGraphLike {
  files: { document: ParsedDocument }[];
}

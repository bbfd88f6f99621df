// Core metadata (METADATA, PKG-INFO, PEP 658 `.metadata`): the header fields the server uses.

export interface DistributionMetadata {
  requiresDist: string[];
  providesExtras: string[];
  requiresPython?: string;
  summary?: string;
}

/** RFC 822-style METADATA / PKG-INFO headers, continuation lines folded; the body is ignored. */
export function parseMetadata(text: string): { name?: string; version?: string } & DistributionMetadata {
  const out: { name?: string; version?: string } & DistributionMetadata = { requiresDist: [], providesExtras: [] };
  let key = '';
  let value = '';
  const flush = () => {
    if (!key) return;
    const k = key.toLowerCase();
    if (k === 'name') out.name = value;
    else if (k === 'version') out.version = value;
    else if (k === 'requires-dist') out.requiresDist.push(value);
    else if (k === 'provides-extra') out.providesExtras.push(value);
    else if (k === 'requires-python') out.requiresPython = value;
    else if (k === 'summary') out.summary = value;
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break; // end of headers
    if (/^[ \t]/.test(line) && key) {
      value += ' ' + line.trim();
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) {
      key = '';
      continue;
    }
    key = line.slice(0, colon).trim();
    value = line.slice(colon + 1).trim();
  }
  flush();
  return out;
}

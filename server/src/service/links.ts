// Document links: -r/-c targets (resolved relative to the file), local paths (where pip runs) and URLs, with credentials taken out.

import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver-types';
import type { ParsedDocument } from '../syntax/types.js';
import { resolveIncludeTarget } from '../workspace/includes.js';

/** `locate` finds a local path of a requirement line (`-e .`, `./pkg`) where pip would run; absent, they get no link. */
export function documentLinks(filePath: string, doc: ParsedDocument, locate?: (written: string) => string | undefined): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const line of doc.lines) {
    for (const o of line.options) {
      if (!o.value) continue;
      if (o.canonical === '--requirement' || o.canonical === '--constraint') {
        const target = resolveIncludeTarget(filePath, o.value.text);
        if (target) out.push({ range: o.value.range, target: pathToFileURL(target).toString(), tooltip: `Open ${o.value.text}` });
        else if (/^https?:/i.test(o.value.text)) out.push({ range: o.value.range, target: webTarget(o.value.text) });
      } else if ((o.canonical === '--index-url' || o.canonical === '--extra-index-url' || o.canonical === '--find-links') && /^https?:/i.test(o.value.text)) {
        out.push({ range: o.value.range, target: webTarget(o.value.text) });
      }
    }
    const local = locate && line.requirement?.path;
    if (local && !local.text.includes('${')) {
      const found = locate(local.text);
      if (found) out.push({ range: local.range, target: pathToFileURL(found).toString(), tooltip: `Open ${found}` });
    }
    const url = line.requirement?.url;
    if (url && !url.text.includes('${')) {
      const web = url.text.replace(/^(git|hg|svn|bzr)\+/, '');
      if (/^https?:/i.test(web)) out.push({ range: url.range, target: webTarget(url.kind === 'vcs' ? web.replace(/@[^/@#]*(#.*)?$/, '') : web) });
    }
  }
  return out;
}

/** A clickable URL without user:password (the editor shows link targets in tooltips). */
export function webTarget(url: string): string {
  return url.replace(/^([a-z+]+:\/\/)[^/@]*@/i, '$1');
}

// Document links: -r/-c targets (resolved relative to the file), local paths (where pip runs) and URLs, with credentials taken out.
// A value a `${NAME}` gives gets no link: a link's target is shown (tooltips, the status bar, the tab of the file it
// opens) and the value may be a secret; the target of `-r ${NAME}.txt` is a path that holds it.

import { pathToFileURL } from 'node:url';
import type { DocumentLink } from 'vscode-languageserver-types';
import { shown } from '../syntax/query.js';
import type { ParsedDocument, Spanned } from '../syntax/types.js';
import { resolveIncludeTarget } from '../workspace/includes.js';

/** `locate` finds a local path of a requirement line (`-e .`, `./pkg`) where pip would run; absent, they get no link. */
export function documentLinks(filePath: string, doc: ParsedDocument, locate?: (written: string) => string | undefined): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const line of doc.lines) {
    for (const o of line.options) {
      if (!o.value || o.value.written !== undefined) continue;
      if (o.canonical === '--requirement' || o.canonical === '--constraint') {
        const target = resolveIncludeTarget(filePath, o.value.text);
        if (target) out.push({ range: o.value.range, target: pathToFileURL(target).toString(), tooltip: `Open ${shown(o.value)}` });
        else if (/^https?:/i.test(o.value.text)) out.push({ range: o.value.range, target: webTarget(o.value.text) });
      } else if ((o.canonical === '--index-url' || o.canonical === '--extra-index-url' || o.canonical === '--find-links') && /^https?:/i.test(o.value.text)) {
        out.push({ range: o.value.range, target: webTarget(o.value.text) });
      }
    }
    const local = locate && line.requirement?.path;
    if (local && !variable(local)) {
      const found = locate(local.text);
      if (found) out.push({ range: local.range, target: pathToFileURL(found).toString(), tooltip: `Open ${found}` });
    }
    const url = line.requirement?.url;
    if (url && !variable(url)) {
      const web = url.text.replace(/^(git|hg|svn|bzr)\+/, '');
      if (/^https?:/i.test(web)) out.push({ range: url.range, target: webTarget(url.kind === 'vcs' ? web.replace(/@[^/@#]*(#.*)?$/, '') : web) });
    }
  }
  return out;
}

/** A `${NAME}` in it: set (the value may be a secret) or not (a path or URL that is not there). */
function variable(node: Spanned): boolean {
  return node.written !== undefined || node.text.includes('${');
}

/**
 * A clickable URL without user:password (the editor shows link targets in tooltips): all of the user information,
 * to the last `@` before the path as pip reads it (`https://bob:p@ss@host`).
 */
export function webTarget(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/\s]*@/i, '$1');
}

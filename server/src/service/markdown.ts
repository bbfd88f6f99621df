// Text from outside (the package index, a venv's metadata, the file) put into hover and completion Markdown as
// text: no image, link, HTML, code block or emphasis of that text's choosing, and links only to http(s).

import { redact } from '../index/credentials.js';

/** How much of one text a hover shows: a 1 MB line in a code span helps no one, and cost a second a hover. */
export const MAX_SHOWN = 1000;

/** `text` cut to MAX_SHOWN characters, with `…` where it was cut (never between the halves of a surrogate pair). */
export function clip(text: string): string {
  if (text.length <= MAX_SHOWN) return text;
  const end = (text.charCodeAt(MAX_SHOWN - 1) & 0xfc00) === 0xd800 ? MAX_SHOWN - 1 : MAX_SHOWN;
  return `${text.slice(0, end)}…`;
}

/**
 * `text` as Markdown that renders as the text itself (cut to MAX_SHOWN). Line breaks become spaces, so the text is
 * one line; each character that means something within a line is escaped (CommonMark lets a backslash escape any
 * ASCII punctuation): code spans, emphasis, links and images (their `[`), HTML and entities, strikethrough; and
 * what renderers turn into links by themselves (GFM's autolinks: `scheme://`, `www.`, an e-mail address's `@`).
 * Where the text starts a line, what would start a block (a heading, a quote, a list item, a rule) is escaped too.
 * (A `(`, `!` or `|` means nothing without the characters escaped here: left as they are, for clients that show
 * Markdown as it is.)
 */
export function escapeMarkdown(text: string, inLink = false): string {
  const flat = clip(text).replace(/\s+/g, ' ').trim();
  let escaped = flat.replace(/[\\`*_[\]<&~@]/g, '\\$&');
  // (A link's text is not made a link again.)
  if (!inLink) escaped = escaped.replace(/:\/\//g, '\\://').replace(/\b(www)\./gi, '$1\\.');
  // `# x`, `> x`, `- x`, `+ x`, `1. x`, `1) x`, `---`, `===` where a line starts.
  return escaped.replace(/^([#>+-])|^(\d{1,9})([.)])(?= |$)|^(=+)$/, (all: string, mark?: string, digits?: string, after?: string) =>
    mark ? `\\${mark}` : digits ? `${digits}\\${after}` : `\\${all}`,
  );
}

/** `text` as inline code (cut to MAX_SHOWN): fenced by more backticks than any run in it, so that it cannot close the span. */
export function inlineCode(text: string): string {
  const flat = clip(text).replace(/\s+/g, ' ');
  let longest = 0;
  for (let i = 0, run = 0; i < flat.length; i++) {
    run = flat.charCodeAt(i) === 96 /* ` */ ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  // A space on each side keeps a backtick at either end from joining the fence.
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Whether `url` may be a link target: http or https only (no javascript:, data:, file:, command: of the index's choosing). */
export function isWebUrl(url: string): boolean {
  if (!/^https?:\/\//i.test(url)) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * A Markdown link to `url` with `label` (default: the URL) as its text, when the URL is http(s); otherwise the
 * URL as escaped text. Credentials in the URL are dropped from the target and masked in the text.
 */
export function safeLink(url: string, label?: string): string {
  const text = escapeMarkdown(redact(label ?? url), isWebUrl(url));
  if (!isWebUrl(url)) return text;
  const target = new URL(url);
  target.username = '';
  target.password = '';
  // Parentheses would end the destination early; the URL parser has percent-encoded spaces and angle brackets.
  return `[${text}](${target.href.replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))})`;
}

// The values of `${NAME}` that went into index URLs, so that a URL built from one (a log line, an "index cannot be
// reached" message, a project page link) shows `${NAME}` again instead of the value (a token in an index's path).

/** Values shorter than this are left alone: masking every "1" or "dev" in a message would garble it. */
const SHORTEST = 4;
/** A session meets a handful; the bound keeps a hostile file from growing the table. */
const MOST = 64;
// On globalThis: the index is a bundle of its own (loaded on first use), with its own copy of this module.
const shared = globalThis as { __requirementsShownValues?: Map<string, string> };
const values = (shared.__requirementsShownValues ??= new Map<string, string>());

/**
 * Notes the values in `text` that stand for the `${NAME}`s of `written` (the same option value, as written and
 * as expanded): the literal pieces between the names are matched in order, and what lies between them is a value.
 */
export function rememberExpansion(written: string, text: string): void {
  const parts = written.split(/(\$\{[A-Z0-9_]+\})/);
  let at = 0;
  for (let i = 0; i < parts.length; i += 2) {
    const literal = parts[i];
    if (i === 0) {
      if (!text.startsWith(literal)) return;
      at = literal.length;
      continue;
    }
    const name = parts[i - 1];
    const end = i === parts.length - 1 && literal === '' ? text.length : text.indexOf(literal, at);
    if (end < 0) return;
    const value = text.slice(at, end);
    if (value.length >= SHORTEST && value !== name && !values.has(value)) {
      if (values.size >= MOST) values.delete(values.keys().next().value!);
      values.set(value, name);
    }
    at = end + literal.length;
  }
}

/** `text` with every remembered value shown as the `${NAME}` it came from. */
export function unexpand(text: string): string {
  if (values.size === 0) return text;
  let out = text;
  for (const [value, name] of values) if (out.includes(value)) out = out.split(value).join(name);
  return out;
}

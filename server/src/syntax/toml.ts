// A forgiving scan of TOML text for where things are: tables, keys and string literals, with offsets. TOML
// parsers give values without places (smol-toml, the one we depend on, included), and the readers of
// pyproject.toml, PEP 723 blocks and pylock.toml need both: values from smol-toml where a place is not
// needed, places from here. It never throws and reads a half-typed file as far as it can.

export type Literal = { value: string; start: number; end: number; raw: boolean };

export interface Scan {
  /** String literals that are direct elements of an array, by the array's dotted path. */
  arrays: Map<string, Literal[]>;
  /** Scalar string values, by dotted path. */
  strings: Map<string, Literal>;
  /** Offset where each table header or key was written. */
  places: Map<string, number>;
}

/**
 * A forgiving walk over TOML text that notes where tables, keys and string literals are. It reads the
 * shapes pyproject.toml uses (tables, dotted keys, arrays, inline tables, all four string kinds) and
 * skips to the next line on anything else.
 */
export function scanToml(text: string): Scan {
  const scan: Scan = { arrays: new Map(), strings: new Map(), places: new Map() };
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
  };
  const skipBlank = () => {
    for (;;) {
      while (i < n && /\s/.test(text[i])) i++;
      if (text[i] !== '#') return;
      while (i < n && text[i] !== '\n') i++;
    }
  };
  const skipLine = () => {
    while (i < n && text[i] !== '\n') i++;
  };
  const readString = (): Literal | undefined => {
    const q = text[i];
    if (q !== '"' && q !== "'") return undefined;
    const start = i;
    const triple = text.startsWith(q.repeat(3), i);
    i += triple ? 3 : 1;
    let value = '';
    let raw = true;
    while (i < n) {
      if (triple ? text.startsWith(q.repeat(3), i) : text[i] === q) {
        i += triple ? 3 : 1;
        // A multi-line string drops the newline right after its opening quotes.
        if (triple && value.startsWith('\n')) value = value.slice(1);
        return { value, start, end: i, raw: raw && !(triple && text[start + 3] === '\n') };
      }
      if (!triple && text[i] === '\n') break;
      if (q === '"' && text[i] === '\\') {
        raw = false;
        const e = text[i + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\', r: '\r', b: '\b', f: '\f' };
        if (e in simple) {
          value += simple[e];
          i += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          value += String.fromCodePoint(parseInt(text.slice(i + 2, i + 2 + len), 16) || 0xfffd);
          i += 2 + len;
        } else i += 2;
        continue;
      }
      value += text[i++];
    }
    // A string still being typed has no closing quote: what was typed after it on its line (the array's `]`, a
    // `,`, an inline table's `}`) is TOML around it, not part of the requirement.
    while (!triple && i > start + 1 && /[\s\],}]/.test(text[i - 1]) && value.endsWith(text[i - 1])) {
      i--;
      value = value.slice(0, -1);
    }
    return { value, start, end: i, raw: false };
  };
  const readKey = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      skipSpace();
      const s = readString();
      if (s) parts.push(s.value);
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 200));
        if (!m) return parts;
        parts.push(m[0]);
        i += m[0].length;
      }
      skipSpace();
      if (text[i] !== '.') return parts;
      i++;
    }
  };
  const readValue = (path: string, depth: number): void => {
    skipSpace();
    const s = readString();
    if (s) {
      scan.strings.set(path, s);
      return;
    }
    if (text[i] === '[') {
      i++;
      const list: Literal[] = scan.arrays.get(path) ?? [];
      scan.arrays.set(path, list);
      for (let index = 0; i < n; index++) {
        skipBlank();
        if (text[i] === ']') {
          i++;
          return;
        }
        const before = i;
        const el = readString();
        if (el) list.push(el);
        else if (depth < 8) readValue(`${path}.${index}`, depth + 1);
        skipBlank();
        if (text[i] === ',') i++;
        else if (text[i] !== ']' || i === before) {
          if (i === before) i++;
          if (text[i] !== ']') return;
        }
      }
      return;
    }
    if (text[i] === '{') {
      i++;
      while (i < n) {
        skipSpace();
        if (text[i] === '}') {
          i++;
          return;
        }
        const key = readKey();
        skipSpace();
        if (!key.length || text[i] !== '=') return;
        i++;
        if (depth < 8) readValue(`${path}.${key.join('.')}`, depth + 1);
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') return;
      }
      return;
    }
    while (i < n && !/[,\]}\n#]/.test(text[i])) i++;
  };
  let table: string[] = [];
  // `[[packages]]`: each header opens the next element, `packages.0`, `packages.1`; a key under an element's
  // path (`[packages.wheels]`, `[[packages.wheels]]`) is under the element last opened.
  const arrayTables = new Map<string, number>();
  const resolve = (key: string[], array: boolean): string[] => {
    const out: string[] = [];
    for (let k = 0; k < key.length; k++) {
      out.push(key[k]);
      const seen = arrayTables.get(out.join('.'));
      if (k === key.length - 1 && array) {
        arrayTables.set(out.join('.'), (seen ?? -1) + 1);
        out.push(String((seen ?? -1) + 1));
      } else if (seen !== undefined) out.push(String(seen));
    }
    return out;
  };
  while (i < n) {
    skipBlank();
    if (i >= n) break;
    const lineStart = i;
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      table = resolve(readKey(), array);
      scan.places.set(table.join('.'), lineStart);
      skipLine();
      continue;
    }
    const key = readKey();
    skipSpace();
    if (!key.length || text[i] !== '=') {
      skipLine();
      continue;
    }
    i++;
    const path = [...table, ...key].join('.');
    scan.places.set(path, lineStart);
    readValue(path, 0);
    if (i === lineStart) i++;
  }
  return scan;
}

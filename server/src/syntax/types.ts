// The parsed shape of a requirements file: plain data with offsets and LSP positions, no behaviour.

/** A zero-based LSP position; `character` counts UTF-16 code units, as JavaScript strings do. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** A problem found while parsing; `code` is stable and listed in `syntax/diagnosticCodes.ts`. */
export interface SyntaxDiagnostic {
  range: Range;
  severity: Severity;
  code: string;
  message: string;
}

export type TokenKind =
  | 'name' // project name of a requirement
  | 'extrasOpen'
  | 'extrasClose'
  | 'extra'
  | 'comma'
  | 'parenOpen'
  | 'parenClose'
  | 'operator' // version comparison operator
  | 'version'
  | 'at' // the `@` of `name @ url`
  | 'url'
  | 'path'
  | 'semicolon'
  | 'markerVariable'
  | 'markerOperator'
  | 'markerString'
  | 'markerKeyword' // and / or
  | 'option' // -r, --index-url, ...
  | 'optionValue'
  | 'equals' // the `=` of `--opt=value`
  | 'envVar' // ${VAR}
  | 'comment'
  | 'unknown'; // text the parser could not place; always covered by a diagnostic

/**
 * A token of one logical line. `start`/`end` are UTF-16 offsets into the document; the
 * position fields are the LSP range of the same span. A token that crosses a backslash
 * continuation spans both physical lines; `text` is its logical text (continuation removed).
 */
export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Set only where a variable's value is in `text`: the token as written (see Spanned). */
  readonly written?: string;
  readonly start: number;
  readonly end: number;
  readonly range: Range;
}

/** A piece of text the user wrote, with where it is. */
export interface Spanned {
  /** The text as pip reads it: a `${NAME}` in it is replaced by the variable's value. */
  text: string;
  range: Range;
  /**
   * Set only where a variable's value is in `text`: the text as written, `${NAME}` kept. It is what every
   * feature shows (`shown` in query.ts); the value is for reading the line, never shown (it may be a secret).
   */
  written?: string;
}

export interface NameNode extends Spanned {
  /** PEP 503 normalized form: lower case, runs of `-_.` as one `-`. */
  normalized: string;
}

export interface ExtrasNode {
  range: Range;
  items: NameNode[];
  /** False while the user is still typing (`requests[secu`). */
  closed: boolean;
}

export interface SpecifierClause {
  range: Range;
  operator: Spanned;
  /** Absent in half-typed input such as `requests==`. */
  version?: Spanned;
}

export interface SpecifierNode extends Spanned {
  clauses: SpecifierClause[];
  parenthesized: boolean;
}

export type MarkerExpression =
  | { type: 'and' | 'or'; left: MarkerExpression; right: MarkerExpression; range: Range }
  | { type: 'compare'; left?: MarkerOperand; op?: Spanned; right?: MarkerOperand; range: Range };

export type MarkerOperand = { type: 'variable'; name: string; range: Range } | { type: 'string'; value: string; range: Range; closed: boolean };

export interface MarkerNode extends Spanned {
  /** Absent when nothing after `;` could be read. */
  expression?: MarkerExpression;
}

export type UrlKind = 'vcs' | 'archive' | 'wheel' | 'file' | 'directory' | 'other';

export interface UrlNode extends Spanned {
  kind: UrlKind;
  /** `git`, `hg`, `svn`, `bzr` for VCS URLs. */
  vcs?: string;
  /** The `@ref` of a VCS URL. */
  ref?: string;
  /** `#egg=` fragment, normalized as a name. */
  egg?: string;
  subdirectory?: string;
  /** `#sha256=...` style fragment. */
  hash?: { algorithm: string; digest: string };
}

export interface RequirementNode {
  range: Range;
  /** What the line names the project by; absent for a bare URL or path without `#egg=`. */
  name?: NameNode;
  extras?: ExtrasNode;
  specifier?: SpecifierNode;
  marker?: MarkerNode;
  /** `name @ url`, a bare URL, or the target of `-e`. */
  url?: UrlNode;
  /** A local path (`./pkg`, `dist/x.whl`, `.`). */
  path?: Spanned;
  editable: boolean;
  /** The version a wheel's file name fixes (`pkg-1.0-py3-none-any.whl` is `pkg==1.0` to pip). */
  pinnedVersion?: string;
  /** `--hash` values attached to this requirement, as `algorithm:digest`. */
  hashes: Spanned[];
}

export type OptionValueKind = 'none' | 'path' | 'url' | 'pathOrUrl' | 'text' | 'hash' | 'formats';

export interface OptionNode {
  range: Range;
  /** The option as written (`-r`, `--requirement`, `--req`), and its canonical long name. */
  flag: Spanned;
  canonical: string;
  /** Absent for flags, and for half-typed `-r `. */
  value?: Spanned;
}

export interface EnvVariable {
  name: string;
  range: Range;
}

export type LineKind = 'blank' | 'comment' | 'requirement' | 'option' | 'error';

/**
 * One logical line: a physical line plus any lines joined to it by a trailing backslash.
 * `firstLine`/`lastLine` are physical line numbers (zero-based).
 */
export interface LogicalLine {
  readonly kind: LineKind;
  /**
   * The PEP 503 name of the line's requirement, if it names one: cheap to read for every line. Not set for a
   * name that a `${NAME}` gives: facts are looked up by it (the index would be asked for a variable's value,
   * maybe a secret) and messages name it, so such a line is a requirement without a name to the features.
   */
  readonly project?: string;
  firstLine: number;
  lastLine: number;
  /** Offsets of the logical line's text in the document (end excludes the line break). */
  start: number;
  end: number;
  range: Range;
  /** The joined text, continuations removed, comment kept; `${NAME}`s expanded. */
  text: string;
  /** Set only where a variable's value is in `text`: the joined text as written (see Spanned). */
  readonly written?: string;
  tokens: Token[];
  comment?: Token;
  requirement?: RequirementNode;
  /** Option lines: the line's options (usually one). Requirement lines: `--hash` and friends. */
  options: OptionNode[];
  /** `${NAME}` references pip expands from the environment (upper-case names only, as pip does). */
  variables: EnvVariable[];
  diagnostics: SyntaxDiagnostic[];
  /** Set on a requirement written inside another file's syntax (a TOML string, a script's comment block): where it is. */
  readonly host?: LineHost;
}

/** What kind of file a document is, from its name: each kind has its own reader, all give requirement lines. */
export type FileKind = 'requirements' | 'pyproject' | 'script' | 'pylock';

/**
 * Where an embedded requirement is written. Its ranges point into the host's string, so that edits stay inside
 * it; features that would add lines or pip options (which the host syntax has not) skip such lines.
 */
export interface LineHost {
  /** The dotted path of the array it is an element of (`project.dependencies`, `dependency-groups.dev`, `packages.3`). */
  readonly table: string;
  /** Whether the file's environment is expected to have it installed (a project's dependencies, a script's, a lock's). */
  readonly installed: boolean;
  /** The quote the string is written with: an edit must not put that character inside it. */
  readonly quote: '"' | "'" | '';
}

export interface ParsedDocument {
  /** Absent for a requirements file. */
  kind?: FileKind;
  text: string;
  /** Offset of each physical line's first character. */
  lineStarts: number[];
  lines: LogicalLine[];
  diagnostics: SyntaxDiagnostic[];
  /** Places that lead to another place of the same file: a pyproject.toml include-group to its group. */
  references?: { range: Range; target: Range }[];
}

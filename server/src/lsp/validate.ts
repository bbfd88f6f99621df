// The shape of each message's params, checked before any handler reads them: a handler may then take
// `p.textDocument.uri` and `p.position.line` as the protocol promises. One table for every method the
// server handles, including those the library's TextDocuments and the command host register, so that no
// handler needs its own checks. A check answers with the first problem in plain words, or undefined.

/** Reads `value`, known to be at `at` (`params.position.line`), and says what is wrong with it. */
type Check = (value: unknown, at: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** LSP's uinteger and integer (positions, versions, kinds). */
const UINTEGER_MAX = 2 ** 31 - 1;
const uinteger: Check = (v, at) =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= UINTEGER_MAX ? undefined : `${at} must be an integer from 0 to ${UINTEGER_MAX}`;
const integer: Check = (v, at) => (Number.isInteger(v) && Math.abs(v as number) <= 2 ** 31 ? undefined : `${at} must be an integer`);
const string: Check = (v, at) => (typeof v === 'string' ? undefined : `${at} must be a string`);
const boolean: Check = (v, at) => (typeof v === 'boolean' ? undefined : `${at} must be true or false`);
const anything: Check = () => undefined;
/** A DocumentUri: a string with a scheme (`file:`, `untitled:`); a bare path would resolve `-r` against the server's folder. */
const uri: Check = (v, at) => string(v, at) ?? (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(v as string) ? undefined : `${at} must be a URI (file:..., untitled:...)`);

/** Absent, or null (which clients send for absent optional fields, and which the handlers read as absent). */
const optional =
  (check: Check): Check =>
  (v, at) =>
    v === undefined || v === null ? undefined : check(v, at);
const either =
  (a: Check, b: Check, what: string): Check =>
  (v, at) =>
    a(v, at) && b(v, at) && `${at} must be ${what}`;
const object =
  (fields: Record<string, Check>): Check =>
  (v, at) => {
    if (!isObject(v)) return `${at} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(v[key], `${at}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };
const array =
  (item: Check): Check =>
  (v, at) => {
    if (!Array.isArray(v)) return `${at} must be an array`;
    for (let i = 0; i < v.length; i++) {
      const problem = item(v[i], `${at}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri });
const documentParams = object({ textDocument });
const positionParams = object({ textDocument, position });
const rangeParams = object({ textDocument, range });
/** A change is the whole text, or a range and its replacement (`rangeLength`, deprecated, must then be a number if present). */
const contentChange: Check = (v, at) => {
  if (!isObject(v)) return `${at} must be an object`;
  if (v.range === undefined) return v.rangeLength === undefined ? string(v.text, `${at}.text`) : `${at}.rangeLength comes with a range`;
  return object({ range, text: string })(v, at) ?? (v.rangeLength === undefined ? undefined : uinteger(v.rangeLength, `${at}.rangeLength`));
};
const diagnostic = object({ range, message: string });
const workDone = { workDoneToken: optional(either(integer, string, 'an integer or a string')) };
const saveParams = object({ textDocument, reason: integer });

/** Methods the server (or the library under it) handles, with the shape of their params; others pass unchecked. */
const PARAMS: Record<string, Check> = {
  initialize: object({
    processId: optional(integer),
    rootUri: optional(string),
    rootPath: optional(string),
    workspaceFolders: optional(array(object({ uri, name: optional(string) }))),
    capabilities: object({}),
    trace: optional(string),
  }),
  'textDocument/didOpen': object({ textDocument: object({ uri, languageId: string, version: integer, text: string }) }),
  'textDocument/didChange': object({ textDocument: object({ uri, version: integer }), contentChanges: array(contentChange) }),
  'textDocument/didClose': documentParams,
  'textDocument/didSave': object({ textDocument, text: optional(string) }),
  'textDocument/willSave': saveParams,
  'textDocument/willSaveWaitUntil': saveParams,
  'textDocument/documentSymbol': documentParams,
  'textDocument/documentLink': documentParams,
  'textDocument/foldingRange': documentParams,
  'textDocument/semanticTokens/full': documentParams,
  'textDocument/codeLens': documentParams,
  'textDocument/diagnostic': object({ textDocument, identifier: optional(string), previousResultId: optional(string) }),
  'textDocument/hover': positionParams,
  'textDocument/definition': positionParams,
  'textDocument/completion': object({ textDocument, position, context: optional(object({ triggerKind: integer, triggerCharacter: optional(string) })) }),
  'textDocument/references': object({ textDocument, position, context: optional(object({ includeDeclaration: optional(boolean) })) }),
  'textDocument/inlayHint': rangeParams,
  'textDocument/semanticTokens/range': rangeParams,
  'textDocument/codeAction': object({ textDocument, range, context: optional(object({ diagnostics: array(diagnostic), only: optional(array(string)) })) }),
  'codeAction/resolve': object({ title: string }),
  'completionItem/resolve': object({ label: string }),
  'workspace/executeCommand': object({ command: string, arguments: optional(array(anything)), ...workDone }),
  'workspace/didChangeWatchedFiles': object({ changes: array(object({ uri, type: integer })) }),
  'workspace/didChangeConfiguration': object({ settings: anything }),
  '$/setTrace': object({ value: string }),
  '$/cancelRequest': object({ id: either(integer, string, 'an integer or a string') }),
  'window/workDoneProgress/cancel': object({ token: either(integer, string, 'an integer or a string') }),
};

/** What is wrong with a message's params, or undefined when they have the shape its handler reads (or the method is not ours). */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const check = PARAMS[method];
  return check ? check(params, 'params') : undefined;
}

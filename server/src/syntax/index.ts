// The public parser API, also published as `requirements-language-server/syntax`.

export { parse, clearParseCache } from './parse.js';
export { normalizeName } from './names.js';
export { OPTIONS, lookupOption, optionByName, type OptionSpec } from './options.js';
export { MARKER_VARIABLES, MARKER_OPERATORS, canonicalMarkerVariable } from './marker.js';
export { parseWheelFilename, describeUrl } from './url.js';
export { losslessTokens, type LosslessToken } from './lossless.js';
export { requirementsOf, positionAt, offsetAt, lineAt, shown } from './query.js';
export type * from './types.js';

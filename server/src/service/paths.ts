// Small shared helpers of the service layer: Requires-Python checks.

import { versionSatisfies } from './environmentDiagnostics.js';

/** Whether Python `version` meets a Requires-Python specifier (`>=3.8`); undefined when it cannot be read. */
export function pythonAllows(version: string, spec: string): boolean | undefined {
  return /^[\s,<>=!~0-9.*]+$/.test(spec) ? versionSatisfies(version, spec.replace(/\s+/g, '')) : undefined;
}

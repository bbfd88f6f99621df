// Converting parser values to LSP shapes.

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver-types';
import type { Severity, SyntaxDiagnostic } from '../syntax/types.js';

export const SOURCE = 'requirements';

export function toSeverity(s: Severity): DiagnosticSeverity {
  switch (s) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    default:
      return DiagnosticSeverity.Hint;
  }
}

export function toDiagnostic(d: SyntaxDiagnostic): Diagnostic {
  return { range: d.range, severity: toSeverity(d.severity), code: d.code, source: SOURCE, message: d.message };
}

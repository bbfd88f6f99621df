// How pip prints what it read, so that our nodes can be compared with it (shared by the pip-agreement tests).

/** PEP 503 normalization, as pip's canonicalize_name. */
export const norm = (s: string) => s.toLowerCase().replace(/[-_.]+/g, '-');

export const squash = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, '').replace(/'/g, '"');

/** packaging prints markers with canonical variable names and without redundant parentheses. */
export function markerShape(s: string | null | undefined): string {
  return squash(s)
    .replace(/os\.name/g, 'os_name')
    .replace(/sys\.platform/g, 'sys_platform')
    .replace(/platform\.(version|machine|python_implementation)/g, 'platform_$1')
    .replace(/(^|[^_])python_implementation/g, '$1platform_python_implementation')
    .replace(/[()]/g, '');
}

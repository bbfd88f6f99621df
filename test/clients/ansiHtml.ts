// A terminal screen as `tmux capture-pane -e -p` prints it (text with SGR colour codes) → an HTML page,
// so Chromium can take the picture of Neovim the README shows. Only SGR is understood; that is all tmux emits.

const BASE16 = [
  '#1e1e1e',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];
export const DEFAULT_FG = '#d4d4d4';
export const DEFAULT_BG = '#1e1e1e';

/** xterm's 256-colour palette: 16 base colours, a 6×6×6 cube, 24 greys. */
function color256(n: number): string {
  if (n < 16) return BASE16[n];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const c = n - 16;
  const level = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${level(Math.floor(c / 36))},${level(Math.floor(c / 6) % 6)},${level(c % 6)})`;
}

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  italic?: boolean;
  underline?: boolean;
  /** SGR 58: the underline's own colour (Neovim colours a diagnostic's underline by its severity). */
  sp?: string;
  reverse?: boolean;
}

function apply(style: Style, params: number[]): Style {
  const s = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    if (p === 0) for (const k of Object.keys(s)) delete s[k as keyof Style];
    else if (p === 1) s.bold = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 7) s.reverse = true;
    else if (p === 22) s.bold = false;
    else if (p === 23) s.italic = false;
    else if (p === 24) s.underline = false;
    else if (p === 27) s.reverse = false;
    else if (p >= 30 && p <= 37) s.fg = BASE16[p - 30];
    else if (p >= 90 && p <= 97) s.fg = BASE16[p - 90 + 8];
    else if (p >= 40 && p <= 47) s.bg = BASE16[p - 40];
    else if (p >= 100 && p <= 107) s.bg = BASE16[p - 100 + 8];
    else if (p === 39) delete s.fg;
    else if (p === 49) delete s.bg;
    else if (p === 59) delete s.sp;
    else if (p === 38 || p === 48 || p === 58) {
      // The colour's own numbers follow (5;n or 2;r;g;b): read them here, or their zeros would read as resets.
      const key = p === 38 ? 'fg' : p === 48 ? 'bg' : 'sp';
      if (params[i + 1] === 5) ((s[key] = color256(params[i + 2] ?? 0)), (i += 2));
      else if (params[i + 1] === 2) ((s[key] = `rgb(${params[i + 2] ?? 0},${params[i + 3] ?? 0},${params[i + 4] ?? 0})`), (i += 4));
    }
  }
  return s;
}

const escapeHtml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function css(style: Style): string {
  let fg = style.fg ?? DEFAULT_FG;
  let bg = style.bg ?? DEFAULT_BG;
  if (style.reverse) [fg, bg] = [bg, fg];
  return [
    `color:${fg}`,
    `background:${bg}`,
    style.bold ? 'font-weight:bold' : '',
    style.italic ? 'font-style:italic' : '',
    style.underline ? 'text-decoration:underline' : '',
    style.underline && style.sp ? `text-decoration-color:${style.sp}` : '',
  ]
    .filter(Boolean)
    .join(';');
}

/** The page: one <pre>, every run of text in a span with its colours; the terminal's size in `ch` and lines. */
export function ansiToHtml(screen: string, columns: number, title: string): string {
  let style: Style = {};
  const lines = screen.replace(/\n$/, '').split('\n');
  const body = lines
    .map((line) => {
      let out = '';
      let width = 0;
      for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
        const sgr = /^\x1b\[([0-9;]*)m$/.exec(part);
        if (sgr) style = apply(style, sgr[1] === '' ? [0] : sgr[1].split(';').map(Number));
        else if (part) {
          out += `<span style="${css(style)}">${escapeHtml(part)}</span>`;
          width += [...part].length;
        }
      }
      // Fill the rest of the row with the current background, as the terminal does.
      if (width < columns) out += `<span style="${css({ bg: style.reverse ? style.fg : style.bg })}">${' '.repeat(columns - width)}</span>`;
      return out;
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>
html,body{margin:0;background:${DEFAULT_BG}}
pre{margin:0;padding:10px 12px;font:14px/18px 'DejaVu Sans Mono',monospace;color:${DEFAULT_FG};width:${columns}ch}
/* A run's background fills its whole row, as a terminal cell does (an inline box is shorter than the line). */
pre span{display:inline-block;vertical-align:top;height:18px}
</style></head><body><pre>${body}</pre></body></html>\n`;
}

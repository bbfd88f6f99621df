// The CLI's help texts, one per subcommand (each answers --help).

const NAME = 'requirements-language-server';

export const MAIN_HELP = (version: string) => `${NAME} ${version}
A language server and checker for Python requirements files (requirements.txt, .in, constraints).

Usage:
  ${NAME} --stdio          run the language server over stdin/stdout (what editors start)
  ${NAME} check [PATH...]  check requirements files and folders (and known vulnerabilities of pins);
                           exits 1 when any error is found
  ${NAME} compile FILE.in  write FILE.txt with pip-compile, uv, or the built-in resolver (-o - prints it)
  ${NAME} freeze           print the environment's packages as pip freeze does (read from disk)
  ${NAME} derive FILE.txt  write FILE.in: the top-level packages of pip freeze output
  ${NAME} convert FILE     a compiled requirements.txt to pylock.toml (PEP 751), or pylock.toml back
  ${NAME} --version        print the version
  ${NAME} COMMAND --help   the options of a command
`;

export const CHECK_HELP = `Usage: ${NAME} check [PATH...] [--format text|json|sarif] [--root DIR] [--fail-on CODE[,CODE]]
       [--no-vulnerabilities | --vulnerability-source pypi|osv] [--osv-url URL] [--ignore-vuln ID]
       [--allow-file-indexes] [--offline]

Checks requirements files as pip reads them: syntax, options, -r/-c includes (followed, each file
reported once), duplicates, conflicting specifiers, hash-checking mode, local paths on disk, and
compiled files that have fallen behind their .in. It reads the files, not the virtual environment, and
asks the network one thing only: the known vulnerabilities of exact pins (==, ===), from the index pip
would use (its /pypi/<name>/<version>/json API: PIP_INDEX_URL, pip.conf, the file's -i) or from OSV,
cached six hours. Unknown packages, versions and yanked releases are the editor's checks. An index
that only a checked file names (-i, --index-url) is asked only with --allow-file-indexes: a pull
request could name any host, and CI would send it what it asks. A host that cannot be resolved or
reached is given up at its first failure, and said so once on stderr; the pins it would have
answered for are not checked, and --fail-on vulnerable then fails, naming the host.

PATH is a file or a folder. A folder means the requirements files under it, by name:
requirements*.txt, requirements*.in, constraints*.txt, *-requirements.txt, and .txt/.in files inside a
requirements/ folder (hidden folders, node_modules and virtual environments are skipped).
Without PATH: the current folder.

Options:
  --format text   file:line:col: severity code message (the default), sorted by file and line
  --format json   a JSON array of { file, line, column, endLine, endColumn, severity, code, message }
  --format sarif  SARIF 2.1.0, for GitHub code scanning and other CI viewers
  --root DIR      where pip will run: paths on requirement lines (-e ., ./pkg) resolve from it, as
                  pip resolves them (-r/-c targets stay relative to their file); default: here
  --fail-on CODE[,CODE]
                  also exit 1 when a diagnostic with one of these codes is found (--fail-on vulnerable;
                  it also fails when known vulnerabilities could not be checked, unless --offline)
  --no-vulnerabilities
                  do not ask for known vulnerabilities
  --vulnerability-source pypi|osv
                  the index's JSON API (the default) or the OSV API
  --osv-url URL   the OSV API's base (default https://api.osv.dev; a company mirror)
  --ignore-vuln ID
                  leave out an advisory by id or alias (repeatable), as pip-audit's --ignore-vuln
  --allow-file-indexes
                  ask the index a checked file names with --index-url (netrc's default entry is
                  still sent only to the indexes PIP_INDEX_URL, pip.conf and PIP_EXTRA_INDEX_URL name)
  --offline       ask no host: known vulnerabilities come from the disk cache only, whatever their
                  age, or are not checked (stderr says which); --fail-on vulnerable does not fail
                  for what was not checked
  -h, --help      this help

Exit status: 0 no errors (warnings do not fail), 1 errors found (or a --fail-on code, or --fail-on
vulnerable with advisories that could not be checked), 2 bad usage.
`;

export const COMPILE_HELP = `Usage: ${NAME} compile FILE.in [options] [pip-compile options...]
       ${NAME} compile pyproject.toml [--extra NAME | --all-extras] [--group NAME] [-o FILE] [options]

Resolves FILE.in and writes FILE.txt (pins with # via annotations, pip-compile's format); a
pyproject.toml's dependencies (with each --extra and --group) go to requirements[-NAME].txt. The tool's
own output is shown on stderr as it runs; the result is the last line. On failure FILE.txt is left as
it was and the exit status is 1.

Options:
  --tool auto|pip-compile|uv|builtin
                           auto (the default): pip-compile, else uv, else the built-in resolver
                           (the environment's pip 22.2+: pip install --dry-run --report)
  --venv DIR               the virtual environment (default: VIRTUAL_ENV, else a .venv/venv beside
                           the file or above it)
  --generate-hashes        add --hash lines
  -U, --upgrade            upgrade every pin
  -P, --upgrade-package NAME
                           upgrade one package (repeatable)
  -o, --output-file -      print the compiled file on stdout instead of writing FILE.txt (the
                           summary goes to stderr); another file name is passed to the tool
  -h, --help               this help
Other options (--index-url, --extra-index-url, --find-links, --no-index, --pre, --allow-unsafe, …)
are passed to the tool; pip's configuration (PIP_*, pip.conf) applies as usual.
`;

export const FREEZE_HELP = `Usage: ${NAME} freeze [--venv DIR] [--all] [-o FILE]

Prints the virtual environment's own distributions as \`pip freeze\` prints them (name==version, URLs and
editable installs as pip writes them, sorted as pip sorts), read from its dist-info folders: no Python runs.

Options:
  --venv DIR   the environment (default: VIRTUAL_ENV, else a .venv/venv here or above)
  --all        include pip, setuptools, wheel and distribute
  -o FILE      write FILE instead of printing (never replaces an existing file); - prints
  -h, --help   this help

Exit status: 0 done, 1 no environment found or FILE exists, 2 bad usage.
`;

export const DERIVE_HELP = `Usage: ${NAME} derive FILE.txt [--bounds none|minimum|compatible] [--venv DIR] [-o FILE.in|-]

Reads FILE.txt as pip freeze output and writes FILE.in beside it: only its top-level packages, those no
other pin requires (from the installed metadata of the environment it was frozen from). Compile FILE.in
to get FILE.txt back with today's versions and # via lines. An existing .in is never replaced.

Options:
  --bounds none        names only (the default)
  --bounds minimum     name>=frozen version
  --bounds compatible  name~=frozen version
  --venv DIR           the environment (default: VIRTUAL_ENV, else a .venv/venv beside the file or above)
  -o FILE.in           write another file than FILE.in; - prints it on stdout
  -h, --help           this help

Exit status: 0 written, 1 no metadata (no environment) or the .in exists, 2 bad usage.
`;

export const CONVERT_HELP = `Usage: ${NAME} convert FILE [-o OUT|-]

Converts a compiled requirements file (pip-compile, uv, pip freeze) to a pylock.toml (PEP 751), or a
pylock.toml (or pylock.NAME.toml) back to a requirements file: name==version ; marker with --hash=... for
every hash of the entry. Lines a lock cannot hold (not pinned with ==, no name, a VCS URL without a full
commit id, an archive without a hash) are named in a warning and left out. --hash values name no file,
and PEP 751 ties each hash to a wheel's or sdist's url or path: they are kept under
[packages.tool.requirements-language-server], which the conversion back reads.

Options:
  -o OUT       the file to write (replaced if it exists); - prints it. Default, beside FILE:
               requirements.txt <-> pylock.toml, requirements-NAME.txt <-> pylock.NAME.toml
  -h, --help   this help

Exit status: 0 converted (warnings on stderr), 1 cannot read or write, 2 bad usage or not such a file.
`;

#!/usr/bin/env python3
"""Record what pip itself says about requirements-file snippets.

Reads ``pip-cases.json`` (beside this script), runs every case through pip's
own requirements-file machinery and writes ``pip-verdicts.json``.

Reference: pip 24.2 (vendored packaging 24.1).  Regenerate the table, or check
that it is up to date, from the repository root with

    PYENV_VERSION=3.13.0 python3 test/data/derive-pip-verdicts.py
    PYENV_VERSION=3.13.0 python3 test/data/derive-pip-verdicts.py --check

test/unit/pip-agreement.test.ts compares the parser with pip-verdicts.json.

The script refuses to run with any other pip version.  It re-executes itself
in a clean environment so that no pip configuration of the machine leaks in:
every inherited ``PIP_*`` / ``PYTHON*`` variable is dropped,
``PIP_CONFIG_FILE=/dev/null`` (which makes pip skip the global, user and site
configuration files), a throw-away ``HOME`` / ``XDG_CONFIG_HOME`` /
``XDG_CACHE_HOME``, a UTF-8 locale and ``python -I -X utf8``.

Nothing here contacts the network: parsing a local requirements file and
building InstallRequirement objects is purely local.

For every case, in a fresh temporary directory that is also the current
directory:

* ``text`` is written to ``requirements.txt`` (encoded with the case's
  optional ``encoding``, default UTF-8, written byte for byte, so CRLF and a
  leading U+FEFF survive);
* the optional ``files`` mapping ``{"relative/path": "content"}`` is created
  beside it (a key ending in ``/`` creates a directory);
* the optional ``env`` mapping is put into ``os.environ`` for that case only;
* an options object comes from pip's ``install`` command parser (no
  arguments), with a PipSession and a PackageFinder built the way
  ``pip install`` builds them;
* ``pip._internal.req.req_file.parse_requirements(..., constraint=False)``
  is iterated, and every ParsedRequirement goes through
  ``install_req_from_parsed_requirement`` exactly as ``pip install -r``
  calls it (including per-requirement ``config_settings``).

The first exception (of any kind) ends the case; requirements yielded
before it are still recorded.  Temporary paths are replaced with ``<dir>``.

Options:
    --cases PATH   input (default: pip-cases.json beside this script)
    --out PATH     output (default: pip-verdicts.json beside this script)
    --check        do not write; exit 1 if the output file would change
"""

import argparse
import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

REQUIRED_PIP = "24.2"
REQUIRED_PACKAGING = "24.1"
CLEAN_MARK = "_DERIVE_PIP_VERDICTS_CLEAN_ENV"
HERE = os.path.dirname(os.path.abspath(__file__))


def reexec_in_clean_environment() -> None:
    """Re-run this script with an environment free of pip configuration."""
    if os.environ.get(CLEAN_MARK) == "1":
        return
    home = tempfile.mkdtemp(prefix="derive-pip-home-")
    try:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.upper().startswith(("PIP_", "PYTHON"))
        }
        env.update(
            {
                "PIP_CONFIG_FILE": os.devnull,
                "HOME": home,
                "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                "LC_ALL": "C.UTF-8",
                "LANG": "C.UTF-8",
                CLEAN_MARK: "1",
            }
        )
        cmd = [sys.executable, "-I", "-X", "utf8", os.path.abspath(__file__)]
        proc = subprocess.run(cmd + sys.argv[1:], env=env)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    sys.exit(proc.returncode)


class Sanitizer:
    """Replace temporary directory paths with placeholders."""

    def __init__(self, pairs):
        # Longest path first, so that the case directory wins over its parent.
        self.pairs = sorted(set(pairs), key=lambda pair: len(pair[0]), reverse=True)

    def __call__(self, value):
        if isinstance(value, str):
            for path, placeholder in self.pairs:
                value = value.replace(path, placeholder)
            return value
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, tuple):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {self(k): self(v) for k, v in value.items()}
        return value


def jsonable(value):
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(value[k]) for k in sorted(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def run_case(case, pip_api):
    (
        cmdoptions,
        create_command,
        parse_requirements,
        install_req_from_parsed_requirement,
        canonicalize_name,
        logging,
        warnings,
    ) = pip_api

    # The case directory is <tmp>/case, so that '..' from it is a directory
    # we control too (it holds nothing but the case directory).
    tmp = tempfile.mkdtemp(prefix="pipcase-")
    parent = os.path.realpath(tmp)
    real = os.path.join(parent, "case")
    os.mkdir(real)
    sanitize = Sanitizer(
        [(os.path.join(tmp, "case"), "<dir>"), (real, "<dir>"),
         (tmp, "<dir>/.."), (parent, "<dir>/..")]
    )
    old_cwd = os.getcwd()
    saved_env = {}
    session = None
    log_records = []

    class Collect(logging.Handler):
        def emit(self, record):
            log_records.append(f"{record.levelname}: {record.getMessage()}")

    handler = Collect(level=logging.WARNING)
    pip_logger = logging.getLogger("pip")
    old_propagate = pip_logger.propagate
    pip_logger.addHandler(handler)
    pip_logger.propagate = False

    try:
        for rel, content in (case.get("files") or {}).items():
            path = os.path.join(real, rel)
            if rel.endswith("/"):
                os.makedirs(path, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(content.encode("utf-8"))
        reqfile = os.path.join(real, "requirements.txt")
        with open(reqfile, "wb") as f:
            f.write(case["text"].encode(case.get("encoding", "utf-8")))

        for key, value in (case.get("env") or {}).items():
            saved_env[key] = os.environ.get(key)
            os.environ[key] = value
        os.chdir(real)

        # pip's --use-feature / --use-deprecated options share one default
        # list object per process, which a requirements-file line appends
        # to; empty it so each case starts as a fresh pip process would.
        for factory in (cmdoptions.use_new_feature, cmdoptions.use_deprecated_feature):
            factory.keywords["default"].clear()

        command = create_command("install")
        options, _ = command.parse_args([])
        session = command._build_session(options)
        finder = command._build_package_finder(options=options, session=session)

        requirements = []
        error = None
        # optparse prints its usage line to stderr before pip turns the
        # error into an exception; keep that noise out of the console.
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stderr(
            io.StringIO()
        ):
            warnings.simplefilter("always")
            try:
                for parsed in parse_requirements(
                    reqfile,
                    session=session,
                    finder=finder,
                    options=options,
                    constraint=False,
                ):
                    ireq = install_req_from_parsed_requirement(
                        parsed,
                        isolated=options.isolated_mode,
                        use_pep517=options.use_pep517,
                        user_supplied=True,
                        config_settings=(
                            parsed.options.get("config_settings")
                            if parsed.options
                            else None
                        ),
                    )
                    requirements.append(describe(parsed, ireq, canonicalize_name))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - record everything
                error = f"{type(exc).__name__}: {exc}"
        messages = log_records + [
            f"{w.category.__name__}: {w.message}" for w in caught
        ]

        state = {
            "index_urls": list(finder.index_urls),
            "no_index": finder.search_scope.no_index,
            "find_links": list(finder.find_links),
            "trusted_hosts": list(finder.trusted_hosts),
            "pre": finder.allow_all_prereleases,
            "prefer_binary": finder.prefer_binary,
            "no_binary": sorted(finder.format_control.no_binary),
            "only_binary": sorted(finder.format_control.only_binary),
            "require_hashes": bool(options.require_hashes),
            "features_enabled": list(options.features_enabled),
        }

        out = {"id": case["id"], "text": case["text"]}
        for key in ("note", "encoding", "env", "files"):
            if key in case:
                out[key] = case[key]
        out.update(
            {
                "valid": error is None,
                "error": error,
                "warnings": messages,
                "requirements": requirements,
                "options": state,
            }
        )
        return sanitize(jsonable_keep_order(out))
    finally:
        if session is not None:
            session.close()
        os.chdir(old_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        pip_logger.removeHandler(handler)
        pip_logger.propagate = old_propagate
        shutil.rmtree(parent, ignore_errors=True)


def jsonable_keep_order(d):
    """Like jsonable, but keeps the insertion order of the top-level dict."""
    return {
        k: (jsonable(v) if k not in ("files", "env") else v) for k, v in d.items()
    }


def describe(parsed, ireq, canonicalize_name):
    m = re.match(r"line (\d+) of ", parsed.line_source or "")
    name = ireq.name
    link = ireq.link
    return {
        "line_number": int(m.group(1)) if m else None,
        # pip's comes_from, e.g. "-r <dir>/requirements.txt (line 3)": tells
        # which file (the case's own or an included one) a requirement is from.
        "line": parsed.comes_from,
        # the requirement part of the logical line, as pip handed it on
        "requirement_text": parsed.requirement,
        "name": name,
        "normalized": canonicalize_name(name) if name else None,
        "extras": sorted(ireq.extras),
        "specifier": str(ireq.req.specifier) if ireq.req is not None else None,
        "marker": str(ireq.markers) if ireq.markers is not None else None,
        "url": link.url if link is not None else None,
        "is_vcs": bool(link is not None and link.is_vcs),
        "subdirectory": link.subdirectory_fragment if link is not None else None,
        "editable": bool(ireq.editable),
        "is_constraint": bool(ireq.constraint),
        "options": jsonable(parsed.options or {}),
        "req": str(ireq.req) if ireq.req is not None else None,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", default=os.path.join(HERE, "pip-cases.json"))
    ap.add_argument("--out", default=os.path.join(HERE, "pip-verdicts.json"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    reexec_in_clean_environment()
    script = sys.argv[0]
    # optparse names the program in its error messages after sys.argv[0];
    # make that what a user running pip would see.
    sys.argv[0] = "pip"

    import logging
    import platform
    import warnings

    import pip
    from pip._vendor import packaging

    print(
        f"pip {pip.__version__}, packaging {packaging.__version__}, "
        f"python {platform.python_version()} ({sys.executable})",
        file=sys.stderr,
    )
    if pip.__version__ != REQUIRED_PIP or packaging.__version__ != REQUIRED_PACKAGING:
        print(
            f"refusing to run: need pip {REQUIRED_PIP} with packaging "
            f"{REQUIRED_PACKAGING} (try PYENV_VERSION=3.13.0 python3 {script})",
            file=sys.stderr,
        )
        return 2
    leaked = sorted(k for k in os.environ if k.upper().startswith("PIP_"))
    if leaked != ["PIP_CONFIG_FILE"]:
        print(f"refusing to run: PIP_* variables leaked: {leaked}", file=sys.stderr)
        return 2

    from pip._internal.cli import cmdoptions
    from pip._internal.commands import create_command
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import parse_requirements
    from pip._vendor.packaging.utils import canonicalize_name

    pip_api = (
        cmdoptions,
        create_command,
        parse_requirements,
        install_req_from_parsed_requirement,
        canonicalize_name,
        logging,
        warnings,
    )

    with open(args.cases, encoding="utf-8") as f:
        cases = json.load(f)
    ids = [c["id"] for c in cases]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        print(f"duplicate case ids: {dupes}", file=sys.stderr)
        return 2

    results = [run_case(case, pip_api) for case in cases]

    # Guard against configuration leaking in: a case without option lines
    # must see pip's built-in defaults.
    for r in results:
        if r["id"] == "name-0":
            o = r["options"]
            if o["index_urls"] != ["https://pypi.org/simple"] or o["find_links"]:
                print(f"pip configuration leaked in: {o}", file=sys.stderr)
                return 2

    doc = {
        "pip": pip.__version__,
        "packaging": packaging.__version__,
        "python": platform.python_version(),
        "cases": results,
    }
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # Keep invisible and line-breaking characters visible as escapes (they
    # only occur inside JSON strings, so this is still the same JSON).
    text = re.sub(
        "[\u0080-\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufeff]",
        lambda m: "\\u%04x" % ord(m.group()),
        text,
    )
    valid = sum(r["valid"] for r in results)
    print(
        f"{len(results)} cases: {valid} valid, {len(results) - valid} invalid",
        file=sys.stderr,
    )
    return write_or_check(args.out, text, args.check)


def write_or_check(out: str, text: str, check: bool) -> int:
    """Writes the table, or with --check says whether the file on disk is up to date (exit 1 if not)."""
    if check:
        try:
            with open(out, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{out} is out of date", file=sys.stderr)
            return 1
        print(f"{out} is up to date", file=sys.stderr)
        return 0
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print(f"wrote {out}", file=sys.stderr)
    return 0

if __name__ == "__main__":
    sys.exit(main())

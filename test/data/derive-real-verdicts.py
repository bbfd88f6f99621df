#!/usr/bin/env python3
"""Record pip's verdict on the real requirements files under ``real/``.

``real/MANIFEST.json`` names, for each public repository, the commit the files
were copied from, the files (kept at their paths in the repository, under
``real/<owner>+<name>/``) and the folders of that commit that hold a project
(setup.py or pyproject.toml) and that the files name by path.

For each repository this script copies its files into a temporary folder,
creates a stand-in project (a one-line pyproject.toml) in each of those
folders, and then, with the copy's root as the current directory (where tox,
CI scripts and Read the Docs run pip), runs every file through pip 24.2's
``parse_requirements`` and ``install_req_from_parsed_requirement`` exactly as
derive-pip-verdicts.py does; a file in a sub-folder is run a second time
with its own folder as the current directory (only that verdict is kept).
It writes ``real-verdicts.json``: per file,
pip's verdict and the requirements it read (those of the file itself, not of
the files it includes).

Regenerate, or check, from the repository root with

    PYENV_VERSION=3.13.0 python3 test/data/derive-real-verdicts.py
    PYENV_VERSION=3.13.0 python3 test/data/derive-real-verdicts.py --check

The clean environment (no PIP_* variables, PIP_CONFIG_FILE=/dev/null, a
throw-away HOME) and the version check come from derive-pip-verdicts.py.
Nothing here contacts the network.  test/unit/real-corpus.test.ts compares
the language server with the result.
"""

import argparse
import contextlib
import importlib.util
import io
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.path.join(HERE, "real")


def load_pip_verdicts_module():
    sys.dont_write_bytecode = True  # no __pycache__ beside the test data
    spec = importlib.util.spec_from_file_location("derive_pip_verdicts", os.path.join(HERE, "derive-pip-verdicts.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compact(req):
    """The parts of pip's reading the test compares; empty values left out."""
    keep = ("line_number", "name", "extras", "specifier", "marker", "url", "editable")
    return {k: req[k] for k in keep if req.get(k) not in (None, "", [], False)}


def run_file(root, rel, pip_api, base):
    (cmdoptions, create_command, parse_requirements, install_req_from_parsed_requirement,
     canonicalize_name, logging, warnings) = pip_api
    for factory in (cmdoptions.use_new_feature, cmdoptions.use_deprecated_feature):
        factory.keywords["default"].clear()
    command = create_command("install")
    options, _ = command.parse_args([])
    session = command._build_session(options)
    requirements, error = [], None
    try:
        finder = command._build_package_finder(options=options, session=session)
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            try:
                for parsed in parse_requirements(rel, session=session, finder=finder, options=options, constraint=False):
                    ireq = install_req_from_parsed_requirement(
                        parsed, isolated=options.isolated_mode, use_pep517=options.use_pep517, user_supplied=True,
                        config_settings=parsed.options.get("config_settings") if parsed.options else None,
                    )
                    described = base.describe(parsed, ireq, canonicalize_name)
                    # Only the file's own lines: pip names them "-r <file> (line N)" or "-c <file> (line N)".
                    if (parsed.comes_from or "").endswith(f" {rel} (line {described['line_number']})"):
                        requirements.append(compact(base.jsonable(described)))
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # noqa: BLE001 - record everything
                error = f"{type(exc).__name__}: {exc}".replace(root, "<root>")
    finally:
        session.close()
    return {"valid": error is None, "error": error, "requirements": requirements}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=os.path.join(HERE, "real-verdicts.json"))
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()

    base = load_pip_verdicts_module()
    base.__file__ = os.path.abspath(__file__)  # its re-exec runs the script named here: this one
    base.reexec_in_clean_environment()
    sys.argv[0] = "pip"

    import logging
    import platform
    import warnings

    import pip
    from pip._vendor import packaging

    if pip.__version__ != base.REQUIRED_PIP or packaging.__version__ != base.REQUIRED_PACKAGING:
        print(f"refusing to run: need pip {base.REQUIRED_PIP} (try PYENV_VERSION=3.13.0)", file=sys.stderr)
        return 2
    leaked = sorted(k for k in os.environ if k.upper().startswith("PIP_"))
    if leaked != ["PIP_CONFIG_FILE"]:
        print(f"refusing to run: PIP_* variables leaked: {leaked}", file=sys.stderr)
        return 2
    logging.getLogger("pip").propagate = False

    from pip._internal.cli import cmdoptions
    from pip._internal.commands import create_command
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import parse_requirements
    from pip._vendor.packaging.utils import canonicalize_name

    pip_api = (cmdoptions, create_command, parse_requirements, install_req_from_parsed_requirement,
               canonicalize_name, logging, warnings)

    with open(os.path.join(REAL, "MANIFEST.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    results = {}
    old_cwd = os.getcwd()
    for repo, entry in sorted(manifest["repos"].items()):
        folder = repo.replace("/", "+")
        tmp = tempfile.mkdtemp(prefix="realcorpus-")
        root = os.path.join(os.path.realpath(tmp), folder)
        try:
            shutil.copytree(os.path.join(REAL, folder), root)
            for project in entry["projects"]:
                os.makedirs(os.path.join(root, project), exist_ok=True)
                with open(os.path.join(root, project, "pyproject.toml"), "w", encoding="utf-8") as f:
                    f.write("# stand-in for the repository's project\n")
            for rel in entry["files"]:
                os.chdir(root)
                result = run_file(root, rel, pip_api, base)
                if os.path.dirname(rel):
                    # The same file with pip run from its own folder: paths on requirement lines then
                    # resolve from there (only the verdict is kept).
                    os.chdir(os.path.join(root, os.path.dirname(rel)))
                    there = run_file(root, os.path.basename(rel), pip_api, base)
                    result["from_its_folder"] = {"valid": there["valid"], "error": there["error"]}
                # The temporary folder, as a path and inside file: URLs, becomes <root>.
                results[f"{folder}/{rel}"] = base.Sanitizer([(root, "<root>"), (root.replace("+", "%2B"), "<root>")])(result)
        finally:
            os.chdir(old_cwd)
            shutil.rmtree(tmp, ignore_errors=True)

    doc = {"pip": pip.__version__, "packaging": packaging.__version__, "python": platform.python_version(), "files": results}
    # One file a line: small diffs when a file is added.
    text = "{\n" + ",\n".join(
        f'"{k}": {json.dumps(v, ensure_ascii=False)}' if k != "files" else
        '"files": {\n' + ",\n".join(f"{json.dumps(p)}: {json.dumps(r, ensure_ascii=False)}" for p, r in results.items()) + "\n}"
        for k, v in doc.items()
    ) + "\n}\n"
    valid = sum(r["valid"] for r in results.values())
    count = sum(len(r["requirements"]) for r in results.values())
    print(f"{len(results)} files: {valid} valid, {len(results) - valid} invalid; {count} requirements", file=sys.stderr)
    return base.write_or_check(args.out, text, args.check)

if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Records what pip itself says about each case of pip-cases.json, into pip-verdicts.json.

Run with pip 24.2 (its vendored packaging 24.1), e.g. `PYENV_VERSION=3.13.0 python3 test/data/derive-pip-verdicts.py`.
It re-executes itself with an environment isolated from the machine's pip configuration
(PIP_CONFIG_FILE=/dev/null, no inherited PIP_* variables, a temporary HOME and XDG_CONFIG_HOME),
parses each case with pip's own requirements-file parser (parse_requirements) and turns each result
into an install requirement (install_req_from_parsed_requirement), as `pip install -r` does.
No index is contacted: parsing does not need one.
"""
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = "RLS_PIP_VERDICTS_ISOLATED"


def isolate():
    if os.environ.get(MARK):
        return
    home = tempfile.mkdtemp(prefix="rls-pip-home-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update({MARK: "1", "PIP_CONFIG_FILE": os.devnull, "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONDONTWRITEBYTECODE": "1"})
    try:
        os.execve(sys.executable, [sys.executable, os.path.abspath(__file__)] + sys.argv[1:], env)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    isolate()
    import pip
    from pip._vendor import packaging
    from pip._internal.commands import create_command
    from pip._internal.network.session import PipSession
    from pip._internal.req.constructors import install_req_from_parsed_requirement
    from pip._internal.req.req_file import parse_requirements

    if pip.__version__ != "24.2":
        sys.exit(f"pip {pip.__version__} found; the verdicts are pip 24.2's (run with PYENV_VERSION=3.13.0)")
    print(f"pip {pip.__version__}, packaging {packaging.__version__}, Python {sys.version.split()[0]}", file=sys.stderr)

    cases = json.load(open(os.path.join(HERE, "pip-cases.json"), encoding="utf-8"))
    out = []
    for case in cases:
        work = tempfile.mkdtemp(prefix="rls-pip-case-")
        old_env = {}
        try:
            for name, text in (case.get("files") or {}).items():
                path = os.path.join(work, name)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(text)
            for k, v in (case.get("env") or {}).items():
                old_env[k] = os.environ.get(k)
                os.environ[k] = v
            req_file = os.path.join(work, "requirements.txt")
            with open(req_file, "w", encoding="utf-8", newline="") as f:
                f.write(case["text"])
            options, _ = create_command("install").parse_args([])
            cwd = os.getcwd()
            os.chdir(work)  # relative paths in requirements resolve from here, as `pip install -r` run beside the file
            record = {"id": case["id"], "text": case["text"], "valid": True, "error": None, "requirements": []}
            if case.get("files"):
                record["files"] = case["files"]
            if case.get("env"):
                record["env"] = case["env"]
            try:
                for parsed in parse_requirements(req_file, PipSession(), options=options):
                    ireq = install_req_from_parsed_requirement(parsed)
                    record["requirements"].append({
                        "name": ireq.name,
                        "normalized": ireq.req and canonical(ireq.req.name),
                        "extras": sorted(ireq.extras) if ireq.extras else [],
                        "specifier": str(ireq.specifier) if ireq.req else None,
                        "marker": str(ireq.markers) if ireq.markers else None,
                        "url": ireq.link.url.replace(work, "<dir>") if ireq.link else None,
                        "editable": bool(ireq.editable),
                        "is_constraint": bool(parsed.constraint),
                        "hashes": sorted(f"{k}:{v}" for k, vs in (ireq.hash_options or {}).items() for v in vs),
                        "options": {k: v for k, v in sorted((parsed.options or {}).items()) if k != "hashes"},
                        "line": parsed.comes_from.replace(work, "<dir>") if isinstance(parsed.comes_from, str) else None,
                    })
            except BaseException as exc:  # pip raises SystemExit from optparse on some inputs
                record["valid"] = False
                record["requirements"] = []
                message = str(exc).replace(work, "<dir>").splitlines()
                record["error"] = f"{type(exc).__name__}: {message[0] if message else ''}"
            finally:
                os.chdir(cwd)
            record["options"] = {
                "index_url": options.index_url if options.index_url != "https://pypi.org/simple" else None,
                "extra_index_urls": options.extra_index_urls,
                "no_index": options.no_index,
                "find_links": [l.replace(work, "<dir>") for l in options.find_links],
                "pre": options.pre,
                "prefer_binary": options.prefer_binary,
                "require_hashes": options.require_hashes,
                "trusted_hosts": options.trusted_hosts,
                "features_enabled": options.features_enabled,
            }
            out.append(record)
        finally:
            for k, v in old_env.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            shutil.rmtree(work, ignore_errors=True)
    result = {"pip": pip.__version__, "packaging": packaging.__version__, "python": sys.version.split()[0], "cases": out}
    with open(os.path.join(HERE, "pip-verdicts.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=2, ensure_ascii=False)
        f.write("\n")
    valid = sum(1 for c in out if c["valid"])
    print(f"{len(out)} cases: {valid} valid, {len(out) - valid} invalid", file=sys.stderr)


def canonical(name):
    import re
    return re.sub(r"[-_.]+", "-", name).lower()


if __name__ == "__main__":
    main()

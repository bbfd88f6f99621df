#!/usr/bin/env python3
"""Extract requirement lines and files from other projects' test suites, as data.

The held-out corpus of issue 26: requirement lines and requirements files that
nobody here wrote, taken from the test suites of pip, pip-tools and uv (each at
the commit named in the output).  Only the requirement text is kept (no code);
pip 24.2's verdict on each case is then recorded by derive-pip-verdicts.py:

    python3 test/data/upstream/extract-upstream.py \\
        --pip <pip git dir> --pip-tools <pip-tools git dir> --uv <uv git dir> --dependabot <git dir>
    PYENV_VERSION=3.13.0 python3 test/data/derive-pip-verdicts.py \\
        --cases test/data/upstream/cases.json --out test/data/upstream/verdicts.json

The git dirs are bare clones (the search tool's `fetch` gives one); files are
read with `git show <commit>:<path>`.  What is taken:

* Python tests (pip, pip-tools): string literals that are the first argument
  of the calls that hand a requirement line or file to pip (CALLS below), that
  are assigned to a variable whose name says it holds one (line, req, content,
  ...), or that are string items of ``pytest.mark.parametrize`` lists; the
  argument of an editable constructor gets ``-e `` in front.
* Rust tests (uv): the string written by ``<requirements|constraints|
  overrides>_<in|txt>.write_str(...)`` (``indoc!`` dedented; ``format!``
  strings, which hold placeholders, are skipped).
* Files: pip's tests/data/reqfiles, uv's requirements-txt test data and its
  test/requirements/*.in, dependabot-core's Python fixtures (requirements, pip-compile inputs,
  constraints), with the files they include by name beside them.

Each distinct text is one case (the first place it was found is its note).
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))

# Calls whose first argument is a requirement line (or, for writes, a file's text).
CALLS = {
    "line_processor", "install_req_from_line", "get_processed_req_from_line", "install_req_from_req_string",
    "parse_editable", "install_req_from_editable", "preprocess", "write_text", "write", "Requirement",
}
EDITABLE_CALLS = {"parse_editable", "install_req_from_editable"}
VARIABLES = re.compile(r"^(line|lines|req|reqs|req_name|req_str|requirement|requirements|content|contents|req_in|text|url|spec)$")


def git_show(git_dir, commit, path):
    return subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"], check=True, capture_output=True).stdout.decode("utf-8")


def git_ls(git_dir, commit, prefix):
    out = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", commit, prefix], check=True, capture_output=True)
    return out.stdout.decode("utf-8").splitlines()


def head(git_dir):
    return subprocess.run(["git", "--git-dir", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True).stdout.decode().strip()


def call_name(node):
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def python_strings(source):
    """(text, how) for the requirement strings of a Python test module."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = call_name(node)
            if name in CALLS and node.args:
                text = literal(node.args[0])
                if text is not None:
                    yield ("-e " + text if name in EDITABLE_CALLS else text), name
            if name == "invoke":
                for kw in node.keywords:
                    if kw.arg == "input" and literal(kw.value) is not None:
                        yield literal(kw.value), "input"
            if name == "parametrize" and len(node.args) >= 2 and isinstance(node.args[1], (ast.List, ast.Tuple)):
                for item in node.args[1].elts:
                    for el in (item.elts if isinstance(item, ast.Tuple) else [item]):
                        text = literal(el)
                        if text is not None:
                            yield text, "parametrize"
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if VARIABLES.match(node.targets[0].id):
                text = literal(node.value)
                if text is not None:
                    yield text, node.targets[0].id


def literal(node):
    """A plain string literal, or dedent("...") of one; None for anything computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and call_name(node) == "dedent" and len(node.args) == 1:
        inner = literal(node.args[0])
        return textwrap.dedent(inner) if inner is not None else None
    return None


RUST_WRITE = re.compile(
    r"\b(?P<var>\w*(?:requirements|constraints|overrides)\w*)\.write_str\(\s*"
    r"(?P<macro>(?:indoc::)?indoc!\s*\{\s*)?(?P<raw>r(?P<hashes>#*))?\"",
)


def rust_strings(source):
    """The string literals written to requirements/constraints/overrides files in a Rust test file."""
    for m in RUST_WRITE.finditer(source):
        text = string_body(source, m.end(), m.group("hashes") if m.group("raw") is not None else None)
        if m.group("macro"):
            text = indoc(text)
        if "{" in text and m.group("macro") is None and "format" in source[m.start() - 20:m.start()]:
            continue
        yield text, f"{m.group('var')}.write_str"


def string_body(source, start, hashes):
    """The text of the Rust string literal whose body starts at `start`: raw (`hashes`, the `#`s of `r#"`) or plain."""
    if hashes is not None:
        return source[start:source.find('"' + hashes, start)]
    # A plain string: up to the first unescaped quote; escapes as Rust reads them.
    end = start
    while source[end] != '"':
        end += 2 if source[end] == "\\" else 1
    return rust_unescape(source[start:end])


def rust_unescape(s):
    s = re.sub(r"\\\n\s*", "", s)  # a line continuation drops the break and the next line's indentation
    return s.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\")


def indoc(s):
    """indoc!: drop a leading line break, then the common indentation."""
    if s.startswith("\n"):
        s = s[1:]
    return textwrap.dedent(s)


def file_cases(git_dir, commit, folder, names):
    """Whole files of `folder`, each with the files of that folder it includes by name."""
    paths = git_ls(git_dir, commit, folder)
    texts = {p: git_show(git_dir, commit, p) for p in paths if os.path.basename(p) in names or names == "*" and re.search(r"\.(txt|in)$", p)}
    siblings = {os.path.basename(p): t for p, t in texts.items()}
    for p, text in texts.items():
        files = {n: t for n, t in siblings.items() if n != os.path.basename(p) and re.search(rf"(^|\s)(-r|-c|--requirement|--constraint)\s*=?\s*{re.escape(n)}\b", text, re.M)}
        yield text, p, files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pip", required=True)
    ap.add_argument("--pip-tools", required=True)
    ap.add_argument("--uv", required=True)
    ap.add_argument("--dependabot", help="dependabot-core, whose Python fixtures are requirements files too")
    ap.add_argument("--out", default=os.path.join(HERE, "cases.json"))
    args = ap.parse_args()

    sources = []
    cases, seen = [], set()

    def add(repo, commit, path, text, how, files=None):
        if not text.strip() or text in seen or len(text) > 20000:
            return
        # Python a test wrote (a setup.py, a script) is code, not requirements: it is not taken.
        if re.search(r"^\s*(from \S+ import|import \w|def \w|class \w)|\bsetup\(", text, re.M):
            return
        # A file named by URL: pip would fetch it (the verdicts are recorded offline).
        if re.search(r"^\s*(-r|-c|--requirement|--constraint)\s*=?\s*[\"']?https?:", text, re.M):
            return
        seen.add(text)
        case = {"id": f"{repo.split('/')[1]}-{len(cases)}", "text": text, "note": f"{repo}@{commit[:12]}:{path} ({how})"}
        if files:
            case["files"] = files
        cases.append(case)

    pip_commit = head(args.pip)
    for path in ("tests/unit/test_req_file.py", "tests/unit/test_req.py", "tests/unit/test_req_install.py",
                 "tests/functional/test_install_reqs.py", "tests/functional/test_install_extras.py", "tests/functional/test_freeze.py",
                 "tests/functional/test_install.py", "tests/functional/test_download.py"):
        for text, how in python_strings(git_show(args.pip, pip_commit, path)):
            add("pypa/pip", pip_commit, path, text, how)
    for text, path, files in file_cases(args.pip, pip_commit, "tests/data/reqfiles", "*"):
        add("pypa/pip", pip_commit, path, text, "file", files)
    sources.append({"repo": "pypa/pip", "commit": pip_commit})

    tools_commit = head(args.pip_tools)
    for path in ("tests/test_cli_compile.py", "tests/test_cli_sync.py", "tests/test_sync.py", "tests/test_utils.py",
                 "tests/test_writer.py", "tests/test_resolver.py", "tests/test_repository_local.py"):
        for text, how in python_strings(git_show(args.pip_tools, tools_commit, path)):
            add("jazzband/pip-tools", tools_commit, path, text, how)
    sources.append({"repo": "jazzband/pip-tools", "commit": tools_commit})

    uv_commit = head(args.uv)
    for path in git_ls(args.uv, uv_commit, "crates/uv/tests"):
        if path.endswith(".rs"):
            for text, how in rust_strings(git_show(args.uv, uv_commit, path)):
                add("astral-sh/uv", uv_commit, path, text, how)
    for folder in ("crates/uv-requirements-txt/test-data/requirements-txt", "test/requirements"):
        for text, path, files in file_cases(args.uv, uv_commit, folder, "*"):
            if "/compiled/" not in path:
                add("astral-sh/uv", uv_commit, path, text, "file", files)
    sources.append({"repo": "astral-sh/uv", "commit": uv_commit})

    if args.dependabot:
        bot_commit = head(args.dependabot)
        for folder in ("python/spec/fixtures/requirements", "python/spec/fixtures/pip_compile_files", "python/spec/fixtures/constraints"):
            for text, path, files in file_cases(args.dependabot, bot_commit, folder, "*"):
                add("dependabot/dependabot-core", bot_commit, path, text, "file", files)
        sources.append({"repo": "dependabot/dependabot-core", "commit": bot_commit})

    with open(args.out, "w", encoding="utf-8") as f:
        f.write(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")
    with open(os.path.join(os.path.dirname(args.out), "SOURCES.json"), "w", encoding="utf-8") as f:
        f.write(json.dumps(sources, indent=1) + "\n")
    lines = sum(len([l for l in c["text"].splitlines() if l.strip() and not l.lstrip().startswith("#")]) for c in cases)
    print(f"{len(cases)} cases, {lines} non-comment lines", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Extract compiled outputs (with `# via` annotations) and the input files their tests wrote, as data.

The second held-out corpus of issue 26, for provenance: what `uv pip compile` and pip-compile print in their own
test suites, with the requirements files and pyproject.tomls each test wrote before compiling.

    python3 test/data/upstream/extract-compiled.py --pip-tools <git dir> --uv <git dir>

writes ``compiled.json`` beside this script: one case per test output that has a ``# via`` line, with
``files`` (the inputs, by their path in the test's folder), ``output`` (the compiled text) and ``note`` (where
it came from).  uv's snapshots write the test's folder as ``[TEMP_DIR]``; the test puts its own folder there.

* uv (crates/uv/tests/**/*.rs): in each ``fn``, the files written with ``<path expr>.write_str(...)`` where the
  path is built from ``context.temp_dir`` by ``.child("…")`` (directly or through ``let`` variables), and the
  stdout of each ``uv_snapshot!`` whose command is ``pip_compile()``.  A file written with ``format!`` /
  ``formatdoc!`` holds placeholders and is skipped, and so is a test that writes one (its inputs are incomplete);
  Python files (a setup.py, a build backend) are code and are left out.
* pip-tools (tests/test_cli_compile.py): in each test function, the files written with ``open("x", "w")``
  and ``.write(...)``, or with ``(<dir> / "x").write_text(...)`` / ``<var>.write_text(...)`` where
  ``<var> = <dir> / "x"``, and each string literal holding ``# via`` (the expected output, compiled to
  ``requirements.txt`` from ``requirements.in``, pip-compile's defaults); and the compiled files pip-tools keeps
  in its repository (docs, examples) with their inputs, at their paths (``output_path``), and the README's
  walk-through (its ``toml`` and ``# name.in`` blocks are the inputs, each ``$ pip-compile …`` prints an output).
"""

import argparse
import ast
import importlib.util
import json
import os
import re
import subprocess
import sys
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))


def load_upstream():
    """extract-upstream.py, for its Rust string reading."""
    sys.dont_write_bytecode = True
    spec = importlib.util.spec_from_file_location("extract_upstream", os.path.join(HERE, "extract-upstream.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


UPSTREAM = load_upstream()


def git(git_dir, *args):
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True).stdout.decode("utf-8")


# --- uv -------------------------------------------------------------------------------------------------------

FN = re.compile(r"^(?:async )?fn (\w+)\(", re.M)
LET = re.compile(r"let (?:mut )?(\w+) = (context\.temp_dir|\w+)((?:\s*\.child\(\s*\"[^\"]*\"\s*\))+)\s*;")
WRITE = re.compile(r"(context\.temp_dir|\w+)((?:\s*\.child\(\s*\"[^\"]*\"\s*\))*)\s*\.write_str\(\s*")
SNAPSHOT = re.compile(r"uv_snapshot!\((?P<args>.*?)@(?P<raw>r#*)?\"", re.S)


def children(chain):
    return re.findall(r"\.child\(\s*\"([^\"]*)\"\s*\)", chain)


def rust_string(source, at):
    """The Rust string literal (optionally inside indoc!/formatdoc!) starting at `at`: (text, formatted) or None."""
    m = re.compile(r"(&?(?P<macro>(?:indoc::)?indoc!|formatdoc!|format!)\s*[\{\(]\s*)?(?P<raw>r(?P<hashes>#*))?\"").match(source, at)
    if not m:
        return None
    text = UPSTREAM.string_body(source, m.end(), m.group("hashes") if m.group("raw") is not None else None)
    macro = m.group("macro") or ""
    if "indoc" in macro or macro == "formatdoc!":
        text = textwrap.dedent(text[1:] if text.startswith("\n") else text)
    return text, macro.startswith("format")




def snapshot_stdout(source, m):
    """The stdout section of a snapshot (dedented), or None."""
    start = m.end()
    hashes = (m.group("raw") or "r")[1:]
    end = source.find('"' + hashes + ")", start) if m.group("raw") else source.find('");', start)
    body = source[start:end]
    if m.group("raw") is None:
        body = UPSTREAM.rust_unescape(body)
    s = body.find("----- stdout -----")
    e = body.find("----- stderr -----")
    if s == -1 or e == -1:
        return None
    out = textwrap.dedent(body[s + len("----- stdout -----"):e].strip("\n") + "\n")
    return out


def uv_cases(git_dir, commit):
    for path in git(git_dir, "ls-tree", "-r", "--name-only", commit, "crates/uv/tests").splitlines():
        if not path.endswith(".rs"):
            continue
        source = git(git_dir, "show", f"{commit}:{path}")
        if "# via" not in source:
            continue
        starts = [m.start() for m in FN.finditer(source)] + [len(source)]
        for k, m in enumerate(FN.finditer(source)):
            body = source[m.start():starts[k + 1]]
            dirs = {"context.temp_dir": ""}
            files, skip = {}, False
            for let in LET.finditer(body):
                base = dirs.get(let.group(2))
                if base is not None:
                    dirs[let.group(1)] = os.path.join(base, *children(let.group(3)))
            for w in WRITE.finditer(body):
                base = dirs.get(w.group(1))
                if base is None:
                    continue
                rel = os.path.join(base, *children(w.group(2)))
                if rel.endswith(".py"):
                    continue  # code (a setup.py, a build backend), not data: not kept
                read = rust_string(body, w.end())
                if read is None or read[1] or not rel:
                    skip = True
                    continue
                files[rel] = read[0]
            if skip:
                continue
            for n, s in enumerate(SNAPSHOT.finditer(body)):
                if "pip_compile()" not in s.group("args"):
                    continue
                out = snapshot_stdout(body, s)
                if out and "# via" in out:
                    yield {"note": f"astral-sh/uv@{commit[:12]}:{path} fn {m.group(1)} (snapshot {n + 1})", "tool": "uv", "files": dict(files), "output": out}


# --- pip-tools ------------------------------------------------------------------------------------------------

def literal(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dedent" and len(node.args) == 1:
        inner = literal(node.args[0])
        return textwrap.dedent(inner) if inner is not None else None
    return None


def path_name(node, names):
    """`<dir> / "x"` → "x"; a variable bound to one → its name."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        right = literal(node.right)
        return right
    if isinstance(node, ast.Name):
        return names.get(node.id)
    return None


def pip_tools_cases(git_dir, commit):
    path = "tests/test_cli_compile.py"
    tree = ast.parse(git(git_dir, "show", f"{commit}:{path}"))
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        names, files, outputs = {}, {}, []
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                p = path_name(node.value, names)
                if p:
                    names[node.targets[0].id] = p
            elif isinstance(node, ast.With):
                for item in node.items:
                    call = item.context_expr
                    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "open" and item.optional_vars is not None:
                        if len(call.args) >= 2 and literal(call.args[1]) in ("w", "wt") and literal(call.args[0]):
                            names[item.optional_vars.id] = literal(call.args[0])
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("write", "write_text") and node.args:
                target = path_name(node.func.value, names)
                text = literal(node.args[0])
                if target and text is not None:
                    files[target] = files.get(target, "") + text if node.func.attr == "write" else text
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "# via" in node.value:
                outputs.append(textwrap.dedent(node.value))
        if "requirements.in" not in files:
            continue
        for n, out in enumerate(dict.fromkeys(outputs)):
            yield {"note": f"jazzband/pip-tools@{commit[:12]}:{path} {fn.name} (output {n + 1})", "tool": "pip-tools", "files": dict(files), "output": out}


# Compiled files pip-tools keeps in its own repository, with the inputs their headers name (paths from the root).
PIP_TOOLS_FILES = [
    ("docs/requirements.txt", ["pyproject.toml", "docs/requirements.in"]),
    ("examples/readme/constraints.txt", ["examples/readme/pyproject.toml"]),
]


def pip_tools_repo_cases(git_dir, commit):
    for output, inputs in PIP_TOOLS_FILES:
        files = {p: git(git_dir, "show", f"{commit}:{p}") for p in inputs}
        yield {"note": f"jazzband/pip-tools@{commit[:12]}:{output}", "tool": "pip-tools", "files": files,
               "output": git(git_dir, "show", f"{commit}:{output}"), "output_path": output}


def output_name(command):
    """Where `pip-compile <args>` writes: -o/--output-file, else the stem of its .in source, else requirements.txt."""
    args = command.split()[1:]
    for k, a in enumerate(args):
        if a in ("-o", "--output-file") and k + 1 < len(args):
            return args[k + 1]
        if a.startswith("--output-file="):
            return a.split("=", 1)[1]
    sources = [a for a in args if a.endswith(".in")]
    return sources[0][:-3] + ".txt" if sources else "requirements.txt"


def pip_tools_readme_cases(git_dir, commit):
    """The README's walk-through: `toml` and `# name.in` blocks write inputs, `$ pip-compile …` blocks print outputs."""
    text = git(git_dir, "show", f"{commit}:README.md")
    state = {}
    for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", text, re.M | re.S):
        if lang == "toml" and "[project]" in body:
            state["pyproject.toml"] = body
            continue
        first = body.split("\n", 1)[0]
        named = re.match(r"# ([\w.-]+\.in)$", first)
        if named:
            state[named.group(1)] = body
            continue
        for command, output in re.findall(r"^\$ (pip-compile[^\n]*)\n(.*?)(?=^\$ |\Z)", body, re.M | re.S):
            name = output_name(command)
            if "# via" in output and "..." not in output:
                files = {k: v for k, v in state.items() if k != name}
                yield {"note": f"jazzband/pip-tools@{commit[:12]}:README.md ({command.strip()})", "tool": "pip-tools", "files": files,
                       "output": output, "output_path": name}
            if output.strip():
                state[name] = output


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pip-tools", required=True)
    ap.add_argument("--uv", required=True)
    ap.add_argument("--out", default=os.path.join(HERE, "compiled.json"))
    args = ap.parse_args()
    uv_commit = git(args.uv, "rev-parse", "HEAD").strip()
    tools_commit = git(args.pip_tools, "rev-parse", "HEAD").strip()
    cases, seen = [], set()
    for case in [*uv_cases(args.uv, uv_commit), *pip_tools_cases(args.pip_tools, tools_commit), *pip_tools_repo_cases(args.pip_tools, tools_commit),
                 *pip_tools_readme_cases(args.pip_tools, tools_commit)]:
        key = json.dumps([case["files"], case["output"]], sort_keys=True)
        if key in seen:
            continue
        seen.add(key)
        cases.append({"id": f"{case['tool']}-{len(cases)}", **case})
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(json.dumps({"sources": {"astral-sh/uv": uv_commit, "jazzband/pip-tools": tools_commit}, "cases": cases}, indent=1, ensure_ascii=False) + "\n")
    pins = sum(c["output"].count("# via") for c in cases)
    print(f"{len(cases)} compiled outputs ({sum(c['tool'] == 'uv' for c in cases)} uv), ~{pins} annotated pins", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

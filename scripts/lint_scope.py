#!/usr/bin/env python3
"""Prints the .cpp files clang-tidy must check since the commit in .ci/lint-base.

A file is checked when it changed since that commit, or when a header it includes (directly or
not, as the release build's dependency log records) changed. Every file is checked when the
base is missing or not an ancestor of HEAD, when no build log is there to ask, or when a file
that changes how every file is checked changed (.clang-tidy, a CMake file, the presets).

    scripts/lint_scope.py BUILD_DIR    the files, one a line (all of them when in doubt)
"""
import json
import os
import shlex
import subprocess
import sys

EVERYTHING = (".clang-tidy", "CMakeLists.txt", "CMakePresets.json", ".cmake")


def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True)


def all_sources():
    return git("ls-files", "*.cpp").stdout.split()


def changed_since(base):
    """The repository's paths changed between base and the work tree, or None if unknown."""
    if not base or git("merge-base", "--is-ancestor", base, "HEAD").returncode != 0:
        return None
    diff = git("diff", "--name-only", base)
    untracked = git("ls-files", "--others", "--exclude-standard")
    if diff.returncode != 0:
        return None
    return set(diff.stdout.split()) | set(untracked.stdout.split())


def output_of(entry):
    """The object file a compile command writes (CMake 3.25 has no "output" field)."""
    words = shlex.split(entry["command"])
    return words[words.index("-o") + 1] if "-o" in words[:-1] else None


def includes_by_source(build):
    """Each compiled source's repository path -> the repository paths of what it includes."""
    root = os.getcwd()
    with open(os.path.join(build, "compile_commands.json")) as f:
        source_of = {os.path.normpath(os.path.join(build, output_of(e))): e["file"]
                     for e in json.load(f) if output_of(e)}
    deps = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True, text=True)
    if deps.returncode != 0:
        return None
    result, current = {}, None
    for line in deps.stdout.splitlines():
        if line and not line.startswith(" "):
            obj = os.path.normpath(os.path.join(build, line.split(":")[0]))
            current = source_of.get(obj)
            if current:
                result.setdefault(os.path.relpath(current, root), set())
        elif current and line.strip().startswith(root + "/"):
            result[os.path.relpath(current, root)].add(os.path.relpath(line.strip(), root))
    return result


def main():
    build = sys.argv[1]
    sources = all_sources()
    base_file = ".ci/lint-base"
    base = open(base_file).read().strip() if os.path.exists(base_file) else ""
    changed = changed_since(base)
    includes = None
    if changed is not None and os.path.exists(os.path.join(build, "compile_commands.json")):
        includes = includes_by_source(build)
    if changed is None or includes is None or any(p.endswith(EVERYTHING) for p in changed):
        print("\n".join(sources))
        return
    # A source the build did not compile (another preset's) is checked whenever it changed.
    chosen = [s for s in sources
              if s in changed or (includes.get(s, set()) & changed)]
    print("\n".join(chosen))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints the .cpp files clang-tidy must check since the tree .ci/lint-manifest records.

scripts/lint --record writes that manifest (each tracked file's path with its git blob id) after
clang-tidy found the whole tree clean. A file is checked when its blob differs from the one
recorded, or when a header it includes (directly or not, as the release build's dependency log
records) does. Every file is checked when there is no manifest, no build log to ask, or when a
file that changes how every file is checked changed (.clang-tidy, a CMake file, the presets).
Blob ids need no history, so a shallow clone is checked as narrowly as a full one.

    scripts/lint_scope.py BUILD_DIR    the files, one a line (all of them when in doubt)
"""
import functools
import json
import os
import shlex
import subprocess
import sys

# A change to one of these may change what clang-tidy says of any file (a template like
# core/Version.h.in becomes a generated header that no tracked path names).
EVERYTHING = (".clang-tidy", "CMakeLists.txt", "CMakePresets.json", ".cmake", ".in")


def git(*args):
    result = subprocess.run(["git", *args], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"lint_scope.py: git {' '.join(args)} failed: {result.stderr.strip()}")
    return result


def all_sources():
    return git("ls-files", "*.cpp").stdout.split()


def tracked_blobs():
    """Each tracked file's path -> its blob id in the index ("mode blob stage<TAB>path")."""
    blobs = {}
    for line in git("ls-files", "-s").stdout.splitlines():
        info, path = line.split("\t", 1)
        blobs[path] = info.split()[1]
    return blobs


def changed_since(manifest):
    """The paths whose content differs from the manifest's, or None without a manifest."""
    if not os.path.exists(manifest):
        return None
    recorded = {}
    with open(manifest) as f:
        for line in f:
            blob, _, path = line.rstrip("\n").partition(" ")
            recorded[path] = blob
    changed = {p for p, blob in tracked_blobs().items() if recorded.get(p) != blob}
    # A work tree's edits not yet in the index, and new files (never there in CI's clean clone).
    changed |= set(git("diff", "--name-only").stdout.split())
    changed |= set(git("ls-files", "--others", "--exclude-standard").stdout.split())
    return changed


def output_of(entry):
    """The object file a compile command writes (CMake 3.25 has no "output" field)."""
    words = shlex.split(entry["command"])
    return words[words.index("-o") + 1] if "-o" in words[:-1] else None


@functools.lru_cache(maxsize=None)
def real(path):
    return os.path.realpath(path)


def includes_by_source(build):
    """Each compiled source's repository path -> the repository paths of what it includes."""
    root = os.path.realpath(os.getcwd())
    with open(os.path.join(build, "compile_commands.json")) as f:
        outputs = ((output_of(e), e["file"]) for e in json.load(f))
        source_of = {os.path.normpath(os.path.join(build, output)): os.path.relpath(real(file), root)
                     for output, file in outputs if output}
    deps = subprocess.run(["ninja", "-C", build, "-t", "deps"], capture_output=True, text=True)
    if deps.returncode != 0:
        return None
    result, current = {}, None
    for line in deps.stdout.splitlines():
        if line and not line.startswith(" "):
            obj = os.path.normpath(os.path.join(build, line.split(":")[0]))
            current = source_of.get(obj)
            if current:
                result.setdefault(current, set())
            continue
        header = real(line.strip()) if current else ""
        if header.startswith(root + "/"):
            result[current].add(os.path.relpath(header, root))
    # A build configured but not built (or built in part) records no includes: in doubt.
    if len(result) < len(set(source_of.values())):
        return None
    return result


def main():
    build = sys.argv[1]
    sources = all_sources()
    changed = changed_since(".ci/lint-manifest")
    includes = None
    if changed is not None and os.path.exists(os.path.join(build, "compile_commands.json")):
        includes = includes_by_source(build)
    if changed is None or includes is None or any(p.endswith(EVERYTHING) for p in changed):
        for source in sources:
            print(source)
        return
    # A source the build did not compile (WithoutMpi.cpp where MPI was found) has no recorded
    # includes: it is always checked.
    for source in sources:
        if source in changed or source not in includes or includes[source] & changed:
            print(source)


if __name__ == "__main__":
    main()

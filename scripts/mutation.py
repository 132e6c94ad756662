"""Mutation testing of the pure rules modules, against their unit tests (issue #19).

    .venv/bin/python scripts/mutation.py            # the rules modules changed vs origin/main (or HEAD~1)
    .venv/bin/python scripts/mutation.py --base HEAD~1   # those the last commit touched (CI)
    .venv/bin/python scripts/mutation.py --all      # every rules module (about 2 min on 2 cores)
    .venv/bin/python scripts/mutation.py community/events/rules.py
    .venv/bin/python scripts/mutation.py --all --constants   # also change each constant in turn

Runs mutmut (configured in pyproject.toml [tool.mutmut]; it works on a copy in mutants/),
prints killed/total per module, and fails when a mutant survives that is not listed in
tests/unit/equivalent_mutants.txt. An entry there is one line:

    community.events.rules::expand: before => after  # why no test can tell them apart

(the changed source line before and after the mutation, as printed for each new survivor;
a bare mutant id such as ``community.events.rules.x_expand__mutmut_7`` works too, but its
number shifts when the module changes).
"""

from __future__ import annotations

import argparse
import fnmatch
import io
import json
import os
import signal
import subprocess
import sys
import tokenize
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS = ROOT / "tests" / "unit" / "equivalent_mutants.txt"
KILLED = {"killed", "timeout", "caught by type check"}  # the tests noticed the change
NOT_RUN = {"skipped", "not checked"}


def rules_modules() -> list[str]:
    """Every file [tool.mutmut] only_mutate selects, as a path relative to the project."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    found = set()
    for source in config["source_paths"]:
        for path in (ROOT / source).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if any(fnmatch.fnmatch(relative, pattern) for pattern in config["only_mutate"]):
                found.add(relative)
    return sorted(found)


def _git(*args: str) -> str | None:
    done = subprocess.run(  # noqa: S603 (read-only git queries with fixed arguments)
        ["git", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def changed_modules(base: str | None) -> tuple[list[str], str]:
    """The rules modules a change touched: committed since the base, staged, unstaged or new."""
    if base is None:
        fork = _git("merge-base", "origin/main", "HEAD")
        base = fork.strip() if fork else "HEAD~1"
    if _git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}") is None:
        return rules_modules(), f"{base} (unknown here, e.g. a shallow clone: every module)"
    names = set((_git("diff", "--name-only", base) or "").split())
    names |= set((_git("ls-files", "--others", "--exclude-standard") or "").split())
    return [path for path in rules_modules() if path in names], base


def module_name(path: str) -> str:
    return path.removesuffix(".py").replace("/", ".")


def run_mutmut(modules: list[str], max_children: int, timeout: int) -> int:
    """Re-run every mutant of ``modules`` (mutmut keeps earlier results otherwise)."""
    mutmut = str(Path(sys.executable).parent / "mutmut")
    patterns = [f"{module_name(m)}.*" for m in modules]
    command = [mutmut, "run", "--max-children", str(max_children), *patterns]
    print("$", " ".join(command), flush=True)
    process = subprocess.Popen(  # noqa: S603 (the venv's mutmut, our own arguments)
        command,
        cwd=ROOT,
        start_new_session=True,  # its own process group, so a timeout stops its workers too
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, errors = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        print(f"mutmut did not finish in {timeout} s: stopped", file=sys.stderr)
        return 124
    if process.returncode != 0:
        print(errors[-4000:], file=sys.stderr)
    return process.returncode


def results(path: str) -> dict[str, str]:
    """Mutant id -> mutmut's status, from the run's record in mutants/."""
    from mutmut.stats import status_by_exit_code

    meta = ROOT / "mutants" / f"{path}.meta"
    if not meta.exists():
        return {}
    codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"]
    return {name: status_by_exit_code[code] for name, code in codes.items()}


def _code(line: str) -> str:
    """A source line without its comment or surrounding space."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(line.strip() + "\n").readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return line.strip()
    comments = [t for t in tokens if t.type == tokenize.COMMENT]
    return (line.strip()[: comments[0].start[1]] if comments else line.strip()).rstrip()


def describe(mutant: str, path: str) -> str:
    """``module::function: before => after``: stable when lines move or mutants renumber."""
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    diff = get_diff_for_mutant(mutant, path=ROOT / "mutants" / path).splitlines()[2:]
    before = " ".join(_code(line[1:]) for line in diff if line.startswith("-"))
    after = " ".join(_code(line[1:]) for line in diff if line.startswith("+"))
    function = mutant.removeprefix(module_name(path) + ".").rsplit("__mutmut_", 1)[0]
    function = function.removeprefix("x_").replace("xǁ", "").replace("ǁ", ".")
    return f"{module_name(path)}::{function}: {before} => {after}"


def load_equivalents() -> dict[str, str]:
    """Entry -> reason. Blank lines and lines starting with ``#`` are comments."""
    entries = {}
    for line in EQUIVALENTS.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        entry, _, reason = line.rpartition("  # ")
        if not entry or not reason.strip():
            raise SystemExit(f"{EQUIVALENTS.name}: every entry needs '  # reason': {line!r}")
        entries[entry.strip()] = reason.strip()
    return entries


def report(modules: list[str]) -> int:
    """Print the figures per module; 1 when a survivor is not a listed equivalent."""
    os.chdir(ROOT)  # mutmut's helpers read pyproject.toml and mutants/ from here
    equivalents = load_equivalents()
    used: set[str] = set()
    new: list[str] = []
    print(f"\n{'module':<46} {'killed':>13} {'score':>7} {'equiv.':>6} {'non-equiv. killed':>18}")
    for path in modules:
        statuses = results(path)
        counts = Counter(statuses.values())
        total = sum(n for status, n in counts.items() if status not in NOT_RUN)
        killed = sum(counts[status] for status in KILLED)
        equivalent = 0
        for mutant, status in sorted(statuses.items()):
            if status in KILLED or status in NOT_RUN:
                continue
            description = describe(mutant, path)
            match = next((k for k in (mutant, description) if k in equivalents), None)
            if match:
                used.add(match)
                equivalent += 1
            else:
                new.append(f"{description}  # {status}: {mutant}")
        real = total - equivalent
        print(
            f"{path:<46} {killed:>6}/{total:<6} {_pct(killed, total):>7} {equivalent:>6} "
            f"{_pct(killed, real):>18}"
        )
        if not statuses:
            new.append(f"{path}: no mutation results (did mutmut run?)")
    stale = [entry for entry in equivalents if entry not in used and _in(entry, modules)]
    for entry in stale:
        print(f"listed as equivalent but no longer a survivor (remove it): {entry}")
    if new:
        print(f"\n{len(new)} surviving mutant(s) not listed in {EQUIVALENTS.relative_to(ROOT)}:")
        print("(add a unit test that fails on it; if no test can, list it with the reason)")
        for line in new:
            print(f"  {line}")
        return 1
    print("\nevery surviving mutant is a listed equivalent")
    return 0


# --- constants ---------------------------------------------------------------------------
# mutmut mutates code inside functions only; a policy constant (MAX_GUESTS = 10) is checked
# here: each is changed in turn, in the test process before collection, and the unit tests
# must fail.

_CHANGE_CONSTANT = """
import importlib, sys
from datetime import time, timedelta
import pytest
module, name = sys.argv[1], sys.argv[2]
mod = importlib.import_module(module)
value = getattr(mod, name)
if isinstance(value, bool):
    sys.exit(99)
elif isinstance(value, (int, float)):
    value = value + 1
elif isinstance(value, str):
    value = value + "X"
elif isinstance(value, (tuple, list)) and value:
    value = value[1:]
elif isinstance(value, (frozenset, set)) and value:
    value = type(value)(sorted(value, key=repr)[:-1])
elif isinstance(value, dict) and value:
    value = dict(list(value.items())[1:])
elif isinstance(value, timedelta):
    value = value + timedelta(minutes=1)
elif isinstance(value, time):
    value = value.replace(minute=(value.minute + 1) % 60)
else:
    sys.exit(99)
setattr(mod, name, value)
sys.exit(pytest.main(["-q", "-x", "-n", "0", "-p", "no:cacheprovider", *sys.argv[3:]]))
"""


def constants(path: str) -> list[str]:
    """The module's own UPPER_CASE names (``_UNITS`` too), in source order."""
    import ast

    tree = ast.parse((ROOT / path).read_text("utf-8"))
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and target.id.lstrip("_").isupper():
                names.append(target.id)
    return names


def check_constants(modules: list[str], timeout: int) -> int:
    """1 when a constant can change without a unit test failing."""
    unnoticed = []
    print(f"\n{'constant':<60} noticed")
    for path in modules:
        for name in constants(path):
            tests = f"tests/unit/{Path(path).parent.name}"  # the domain's unit tests
            command = [sys.executable, "-c", _CHANGE_CONSTANT, module_name(path), name, tests]
            done = subprocess.run(  # noqa: S603 (our interpreter, our arguments)
                command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
            )
            if done.returncode == 99:
                continue  # a compiled pattern, a time zone, a network: not a policy number
            noticed = done.returncode != 0
            print(f"{module_name(path) + '.' + name:<60} {'yes' if noticed else 'NO'}")
            if not noticed:
                unnoticed.append(f"{module_name(path)}.{name}")
    if unnoticed:
        print(f"\nno unit test fails when these change: {', '.join(unnoticed)}")
        return 1
    return 0


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def _in(entry: str, modules: list[str]) -> bool:
    return any(
        entry.startswith(module_name(path) + ("::", ".")[i]) for path in modules for i in (0, 1)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="rules modules (default: those changed)")
    parser.add_argument("--all", action="store_true", help="every rules module")
    parser.add_argument("--base", help="git ref to compare with (default: origin/main, HEAD~1)")
    parser.add_argument("--max-children", type=int, default=2)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds for the whole run")
    parser.add_argument("--report-only", action="store_true", help="figures of the last run")
    parser.add_argument(
        "--constants", action="store_true", help="also change each module constant in turn"
    )
    args = parser.parse_args(argv)

    known = rules_modules()
    if args.all:
        modules = known
    elif args.modules:
        modules = [Path(m).as_posix() for m in args.modules]
        unknown = sorted(set(modules) - set(known))
        if unknown:
            parser.error(f"not a rules module of [tool.mutmut]: {', '.join(unknown)}")
    else:
        modules, base = changed_modules(args.base)
        print(f"rules modules changed since {base}: {', '.join(modules) or 'none'}")
        if not modules:
            return 0
    if not args.report_only:
        code = run_mutmut(modules, args.max_children, args.timeout)
        if code != 0:
            return code
    code = report(modules)
    if args.constants:
        code = check_constants(modules, args.timeout) or code
    return code


if __name__ == "__main__":
    sys.exit(main())

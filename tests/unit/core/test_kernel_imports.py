"""``community/core`` is the shared kernel: it imports no domain, so a new domain is
added without editing it (issue #11). Read from the source, so an import inside a
function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import community

PACKAGE = Path(community.__file__).resolve().parent
CORE = PACKAGE / "core"
# What the kernel may use of the project: itself and the extension objects.
KERNEL = {"core", "extensions"}


def _imported(source: str, module: str) -> set[str]:
    """Every module name ``source`` (the text of ``module``) imports, made absolute."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the module's package upwards
                package = module.split(".")[: -node.level]
                base = ".".join([*package, node.module] if node.module else package)
            else:
                base = node.module or ""
            names.add(base)
            # ``from community import areas`` imports the package ``community.areas``.
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _outside_kernel(source: str, module: str) -> list[str]:
    found = []
    for name in sorted(_imported(source, module)):
        parts = name.split(".")
        if parts[0] == "community" and len(parts) > 1 and parts[1] not in KERNEL:
            found.append(name)
    return found


def _core_modules() -> list[Path]:
    return sorted(CORE.rglob("*.py"))


def test_the_kernel_has_modules_to_check():
    names = {path.stem for path in _core_modules()}
    assert {"authz", "access_rules", "errors", "privacy", "time"} <= names


@pytest.mark.parametrize("path", _core_modules(), ids=lambda p: p.relative_to(CORE).as_posix())
def test_no_kernel_module_imports_a_domain(path: Path):
    module = "community." + path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")

    assert _outside_kernel(path.read_text("utf-8"), module) == []


@pytest.mark.parametrize(
    "line",
    [
        "from community.areas.models import Wilayah",
        "import community.events.models",
        "from community import accounts",
        "from ..notifications import outbox",
        "from community.web.htmx import render",
    ],
)
def test_the_check_sees_each_way_of_importing_a_domain(line: str):
    source = f"def late():\n    {line}\n"

    assert _outside_kernel(source, "community.core.authz") != []


def test_the_kernel_may_import_itself_and_the_extensions():
    source = "from community.core import privacy\nfrom . import time\nfrom community.extensions import db\n"

    assert _outside_kernel(source, "community.core.authz") == []

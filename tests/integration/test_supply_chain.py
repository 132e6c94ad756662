"""Supply chain: what Rukun runs is what we chose and checked.

* bandit finds nothing of high severity in ``community/`` (a real finding is fixed, or
  marked ``# nosec`` with the reason on the same line);
* every dependency in pyproject.toml (runtime and test) has an upper bound, so a new major
  version never arrives unreviewed, and the installed version is inside its bounds;
* the htmx file the pages load is a pinned 2.x release whose SRI hash is the hash of the
  npm copy (``node_modules/htmx.org``, installed by ``npm ci`` from package-lock.json),
  the same file the browser tests serve in place of the CDN.
"""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from lxml import html
from packaging.requirements import Requirement

pytestmark = pytest.mark.first_pass_only  # the same HTML/code whatever the database

ROOT = Path(__file__).resolve().parents[2]
HTMX_DIR = ROOT / "node_modules" / "htmx.org"


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    return [
        Requirement(r)
        for r in [*project["dependencies"], *(r for rs in extras.values() for r in rs)]
    ]


def test_bandit_finds_no_high_severity_problem():
    # ~3 s. -lll: high severity only; a file bandit cannot parse is an error, not a pass.
    run = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "community", "-lll", "-f", "json", "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(run.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "bandit (high severity):\n  " + "\n  ".join(findings)
    assert report["errors"] == []
    assert report["metrics"]["_totals"]["loc"] > 1000  # it did read the code


def test_every_dependency_has_an_upper_bound_and_the_installed_version_fits():
    requirements = _requirements()
    assert len(requirements) > 20
    unbounded = [
        str(r)
        for r in requirements
        if not any(s.operator in {"<", "<=", "==", "~=", "==="} for s in r.specifier)
    ]
    assert unbounded == [], f"no upper bound on the major version: {unbounded}"
    outside = []
    for r in requirements:
        try:
            installed = version(r.name)
        except PackageNotFoundError:
            outside.append(f"{r.name} is not installed (pip install -e '.[test]')")
            continue
        if not r.specifier.contains(installed, prereleases=True):
            outside.append(f"{r.name} {installed} is outside {r.specifier}")
    assert outside == []


def test_pages_load_a_pinned_htmx_2_whose_sri_is_the_npm_copy(client):
    page = html.fromstring(client.get("/masuk").get_data(as_text=True))
    [script] = [s for s in page.iter("script") if "htmx" in (s.get("src") or "")]
    pinned = client.application.config["HTMX_VERSION"]
    assert pinned.split(".")[0] == "2"
    assert script.get("src") == f"https://unpkg.com/htmx.org@{pinned}/dist/htmx.min.js"
    assert script.get("crossorigin") == "anonymous"

    npm_version = json.loads((HTMX_DIR / "package.json").read_text())["version"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]
    assert npm_version == pinned, "node_modules/htmx.org differs from the pin: run `npm ci`"
    assert locked["node_modules/htmx.org"]["version"] == pinned  # what `npm ci` installs
    assert json.loads((ROOT / "package.json").read_text())["devDependencies"]["htmx.org"] == pinned

    body = (HTMX_DIR / "dist" / "htmx.min.js").read_bytes()
    digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
    assert script.get("integrity") == f"sha384-{digest}"

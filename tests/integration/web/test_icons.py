"""Icons are drawn SVG from the pinned Lucide package, not emoji (#14): emoji show as empty
boxes on phones without an emoji font."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.integration.events.conftest import said

ROOT = Path(__file__).resolve().parents[3]
SPRITE = ROOT / "static" / "icons" / "sprite.svg"
# Pictographic emoji (the ones that need an emoji font), not punctuation such as ✓ or ›.
EMOJI = re.compile("[\U0001f300-\U0001faff\U00002600-\U000026ff]")


def test_the_sprite_is_what_the_pinned_lucide_package_builds():
    checked = subprocess.run(
        [sys.executable, "scripts/build_icons.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_no_template_draws_an_emoji():
    found = {
        str(path.relative_to(ROOT)): EMOJI.findall(path.read_text())
        for path in (ROOT / "templates").rglob("*.html")
    }
    assert {name: chars for name, chars in found.items() if chars} == {}


def test_every_icon_a_page_asks_for_is_in_the_sprite_and_served(world, as_user):
    client = as_user(world["resident_a"])
    page = client.get("/").get_data(as_text=True)
    uses = set(re.findall(r'<use href="([^"#]+)#([a-z-]+)"', page))
    assert uses, "the home feed draws no icon"
    symbols = set(re.findall(r'<symbol id="([a-z-]+)"', SPRITE.read_text()))
    for url, name in uses:
        assert name in symbols, name
        with client.get(url) as sprite:  # WhiteNoise streams the file: close it
            assert sprite.status_code == 200 and f'id="{name}"' in sprite.get_data(as_text=True)
            assert "immutable" in sprite.headers["Cache-Control"]  # a hashed name
    assert "Gotong royong" in said(client.get("/"))  # the word stays beside the icon

"""Build ``static/icons/sprite.svg`` from the pinned ``lucide-static`` npm package (#14).

    python scripts/build_icons.py           # after `npm ci`; writes the sprite
    python scripts/build_icons.py --check   # exit 1 when the committed sprite differs

Icons are drawn, not emoji: emoji show as empty boxes on phones without an emoji font. The
sprite holds only the icons Rukun uses, one ``<symbol>`` each, referenced as
``<svg><use href="…/sprite.<hash>.svg#shovel"/></svg>`` so they take the text colour.
``tests/integration/web/test_icons.py`` runs ``--check``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "node_modules" / "lucide-static"
SPRITE = ROOT / "static" / "icons" / "sprite.svg"
LICENSE = ROOT / "static" / "icons" / "LICENSE-lucide.txt"

# What Rukun shows -> the Lucide icon drawing it.
ICONS = {
    "gotong_royong": "shovel",
    "pengajian": "book-open",
    "arisan": "coins",
    "olahraga": "volleyball",
    "pelatihan": "graduation-cap",
    "musyawarah": "messages-square",
    "kegiatan": "calendar",
    # the navigation
    "beranda": "house",
    "tetangga": "users",
    "pengumuman": "megaphone",
    "pesan": "message-circle",
    "kelola_warga": "user-check",
    "profil": "circle-user",
    "badge": "bell",
    "lainnya": "layout-grid",
    "moderasi": "shield-alert",
    "kegiatan_lalu": "history",
    "notifikasi": "settings",
    "usulan": "vote",
    "dasbor": "chart-column",
}

_BODY = re.compile(r"<svg[^>]*>(.*)</svg>", re.S)


def build() -> str:
    version = re.search(r'"version":\s*"([^"]+)"', (SOURCE / "package.json").read_text()).group(1)
    symbols = []
    for name in sorted(set(ICONS.values())):
        svg = (SOURCE / "icons" / f"{name}.svg").read_text()
        body = " ".join(
            line.strip() for line in _BODY.search(svg).group(1).splitlines() if line.strip()
        )
        symbols.append(
            f'  <symbol id="{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" '
            f'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</symbol>'
        )
    return (
        f"<!-- Lucide icons (lucide-static {version}, ISC licence: LICENSE-lucide.txt); "
        "built by scripts/build_icons.py -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    sprite = build()
    licence = (SOURCE / "LICENSE").read_text()
    if args.check:
        if SPRITE.read_text() != sprite or LICENSE.read_text() != licence:
            print("static/icons is not what scripts/build_icons.py builds: run it", file=sys.stderr)
            return 1
        return 0
    SPRITE.write_text(sprite)
    LICENSE.write_text(licence)
    return 0


if __name__ == "__main__":
    sys.exit(main())

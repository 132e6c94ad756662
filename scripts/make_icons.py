"""Draw Rukun's app icons (PNG) without any image library: a white house on green.

    python scripts/make_icons.py      # writes static/icons/icon-{192,512}.png and maskable-512.png

The maskable icon keeps the house inside the central 80 % "safe zone" that Android
crops to a circle or squircle.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

GREEN = (15, 81, 50)
WHITE = (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def _inside_house(x: float, y: float) -> bool:
    """The house of favicon.svg on a 64×64 grid: roof triangle, walls, a door."""
    roof = 18 <= y <= 34 and abs(x - 32) <= (y - 18) * 18 / 16
    walls = 34 <= y <= 50 and 14 <= x <= 50
    door = 38 <= y <= 50 and 26 <= x <= 38
    return (roof or walls) and not door


def _pixels(size: int, scale: float) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # filter type 0
        for px in range(size):
            # map to the 64-grid, shrunk around the centre by ``scale``
            x = 32 + ((px + 0.5) / size * 64 - 32) / scale
            y = 32 + ((py + 0.5) / size * 64 - 32) / scale
            row += bytes(WHITE if _inside_house(x, y) else GREEN)
        rows.append(bytes(row))
    return b"".join(rows)


def _png(size: int, scale: float) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(_pixels(size, scale), 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon-192.png").write_bytes(_png(192, 1.0))
    (OUT / "icon-512.png").write_bytes(_png(512, 1.0))
    (OUT / "maskable-512.png").write_bytes(_png(512, 0.72))


if __name__ == "__main__":
    main()

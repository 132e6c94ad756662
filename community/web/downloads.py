"""CSV downloads opened in a spreadsheet: UTF-8 with a BOM and ";" between fields (Excel
with Indonesian regional settings, where the decimal separator is a comma, splits on ";";
LibreOffice and Google Sheets detect it), and no cell that runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # OWASP "CSV injection"


def spreadsheet_safe(value: object) -> str:
    """Text a spreadsheet shows as text: one starting with = + - @ (or a tab or CR before
    one) would run as a formula, so it gets a leading quote. Numbers stay numbers."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return Response(
        "\ufeff" + out.getvalue(),  # BOM: Excel on Windows then reads UTF-8 names correctly
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

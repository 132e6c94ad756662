"""One helper decides whether a request gets a fragment or the whole page."""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from jinja2_fragments.flask import render_block, render_blocks
from werkzeug.wrappers import Response


def wants_fragment() -> bool:
    """An htmx request that is not boosted and not a history restore."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(
    template: str, block: str | list[str] | None = None, status: int = 200, **context: Any
) -> Response:
    """Render ``block`` of ``template`` for htmx, the whole page otherwise. A list of blocks
    is sent one after the other (the later ones updating other places, ``hx-swap-oob``)."""
    if block and wants_fragment():
        if isinstance(block, list):
            body = render_blocks(template, block, **context)
        else:
            body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response

"""Every route says, in its docstring, who may call it and what it answers (issue #11).

A newcomer adding a route reads the ones beside it; a route without that sentence is
where an authorization question goes unasked. The docstring starts with who may call
the route (``Anyone``, ``Signed in``, ``A member of the RT``, ``Pengurus of …``, ``The
push service``…) and says what comes back (page, fragment, redirect, file, JSON).
"""

from __future__ import annotations

import re

WHO = re.compile(
    r"\b(anyone|anybody|signed[- ]in|signed[- ]out|member|resident|pengurus|ketua|admin|"
    r"officer|organiser|owner|holder|browser|calendar app|push service|worker|operator|"
    r"the person|who may|whoever|nobody)\b",
    re.IGNORECASE,
)
ANSWER = re.compile(
    r"\b(page|fragment|redirect|303|json|file|csv|svg|ics|png|block|answers?|returns?|"
    r"shows?|renders?|sends?|404|403|422|204|200)\b",
    re.IGNORECASE,
)


def test_every_route_says_who_may_call_it_and_what_it_answers(app):
    silent = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        doc = (app.view_functions[rule.endpoint].__doc__ or "").strip()
        if not (WHO.search(doc) and ANSWER.search(doc)):
            silent.append(f"{rule.endpoint} ({rule.rule}): {doc[:60]!r}")
    assert not silent, "routes without who/what in their docstring:\n" + "\n".join(silent)

"""One template per page: what htmx swaps is a named block of a template, rendered alone
(STYLE.md "Pages and htmx"), never a partial file sent as the whole response."""

from __future__ import annotations

import ast
from pathlib import Path

import community

SOURCES = sorted(Path(community.__file__).parent.rglob("*.py"))


def _render_calls():
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in ("render", "render_template", "render_block"):
                continue
            template = next(
                (a.value for a in node.args if isinstance(a, ast.Constant)
                 and isinstance(a.value, str)),
                None,
            )  # fmt: skip
            if template:
                keywords = {k.arg for k in node.keywords}
                yield path.name, node.lineno, template, "block" in keywords


def test_no_route_answers_with_a_partial_file():
    calls = list(_render_calls())
    partial_pages = [
        f"{file}:{line} renders {template}"
        for file, line, template, has_block in calls
        if Path(template).name.startswith("_") and not has_block
    ]

    assert len(calls) > 20  # the walk found the routes
    assert partial_pages == []


def test_every_fragment_block_exists(app):
    with app.app_context():
        env = app.jinja_env
        for path in SOURCES:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "render"):
                    continue
                block = next((k.value for k in node.keywords if k.arg == "block"), None)
                if not node.args or not isinstance(block, ast.Constant) or not block.value:
                    continue
                template = env.get_template(node.args[0].value)
                assert block.value in template.blocks, f"{path.name}:{node.lineno}"


def test_a_refused_task_answers_the_panel_with_the_error_tied_to_its_field(world, as_user):
    import lxml.html

    from tests.forms import submit_form

    client = as_user(world["pengurus_a"])
    activity_id = world.activities["rt_a"].id
    response = submit_form(client, f"/kegiatan/{activity_id}", "form.add-task",
                           data={"label": " "}, headers={"HX-Request": "true"})  # fmt: skip

    assert response.status_code == 422
    fragment = lxml.html.fragment_fromstring(response.get_data(as_text=True).strip())
    assert fragment.get("id") == "tasks-panel"  # the block alone, not the page
    field = fragment.cssselect("#task-label")[0]
    assert field.get("aria-invalid") == "true"
    error = fragment.cssselect(f"#{field.get('aria-describedby').split()[-1]}")[0]
    assert error.text_content().strip() == "Tulis apa yang dibutuhkan."

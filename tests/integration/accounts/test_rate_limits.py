"""Sign-in limits: shared by every web process, and per account *and* address."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from community import create_app
from community.extensions import db, limiter
from tests.conftest import PASSWORD, test_config
from tests.forms import submit_form

STRANGER = {"REMOTE_ADDR": "203.0.113.7"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}


def _sign_in(client, phone: str, password: str, address: dict):
    client.environ_base.update(address)
    return submit_form(client, "/masuk", "main form", data={"phone": phone, "password": password})


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "AUTH_LIMIT_PER_ACCOUNT": "3 per minute",
      "AUTH_LIMIT_PER_ACCOUNT_TOTAL": "8 per minute"}],
    indirect=True,
)  # fmt: skip
def test_a_stranger_guessing_cannot_lock_the_owner_out(app, world):
    phone = world["resident_a"].phone
    stranger = app.test_client()
    tries = [_sign_in(stranger, phone, "tebak-tebakan", STRANGER).status_code for _ in range(4)]
    assert tries == [422, 422, 422, 429]  # the stranger is stopped at their own address

    owner = app.test_client()
    response = _sign_in(owner, phone, PASSWORD, OWNER)

    assert response.status_code == 303  # the resident still gets in from their own phone


@pytest.mark.parametrize(
    "app_config",
    [{"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "AUTH_LIMIT_PER_ACCOUNT": "3 per minute",
      "AUTH_LIMIT_PER_ACCOUNT_TOTAL": "5 per minute"}],
    indirect=True,
)  # fmt: skip
def test_guessing_from_many_addresses_meets_the_account_ceiling(app, world):
    phone = world["resident_a"].phone
    answers = []
    for n in range(6):  # two tries from each of three addresses
        client = app.test_client()
        address = {"REMOTE_ADDR": f"203.0.113.{n // 2 + 1}"}
        answers.append(_sign_in(client, phone, "tebak-tebakan", address).status_code)

    assert answers == [422, 422, 422, 422, 422, 429]


# --- shared by processes ---------------------------------------------------------------------

# One gunicorn worker, as a real process: its own app, the embedded default storage in the
# shared instance folder, wrong passwords from one address through the rendered form.
WORKER = textwrap.dedent(
    """
    import json, re, sys
    from community import create_app
    config = json.loads(sys.argv[1])
    app = create_app(config)
    client = app.test_client()
    answers = []
    for _ in range(int(sys.argv[2])):
        page = client.get("/masuk").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        token = token or re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
        response = client.post("/masuk", data={"csrf_token": token.group(1),
                               "phone": "0812 0000 0001", "password": "tebak-tebakan"})
        answers.append(response.status_code)
    print(json.dumps(answers))
    """
)


def _worker(config: dict, tries: int) -> list[int]:
    env = {k: v for k, v in os.environ.items() if k != "RUKUN_TEST_DATABASE_URL"}
    done = subprocess.run(
        [sys.executable, "-c", WORKER, json.dumps(config), str(tries)],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.first_pass_only  # the count lives in the limiter's storage, not the database
def test_two_worker_processes_share_one_count(tmp_path, monkeypatch):
    instance = tmp_path / "instance"
    monkeypatch.setenv("RUKUN_INSTANCE_PATH", str(instance))  # the embedded default storage
    monkeypatch.delenv("REDIS_URL", raising=False)
    config = {
        **test_config(tmp_path),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rukun.sqlite3'}",
        "RATELIMIT_ENABLED": True,
        "AUTH_LIMIT_PER_IP": "5 per minute",
    }
    app = create_app(config)
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("rukun+sqlite://")
    with app.app_context():
        db.create_all()
        db.engine.dispose()

    first = _worker(config, 3)
    second = _worker(config, 3)

    assert first == [422, 422, 422]
    assert second == [422, 422, 429]  # 5 per minute from this address, across both processes
    assert oct((instance / "ratelimit.sqlite3").stat().st_mode & 0o777) == "0o600"
    limiter.reset()

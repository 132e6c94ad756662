"""The hand-built neighbourhood of the dashboard tests, for every module here."""

from tests.integration.dashboard.test_dashboard import neighbourhood  # noqa: F401

"""The push tests here use the notification tests' server VAPID key fixture."""

from tests.integration.notifications.conftest import server_key  # noqa: F401 (a fixture)

"""WSGI entry point for any server: ``gunicorn wsgi:app``."""

from community import create_app

app = create_app()

"""Shared kernel: time, authorization, privacy registry, htmx rendering helpers."""

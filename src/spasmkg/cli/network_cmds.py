"""network summary|paths|neighbours|export, draw."""

from __future__ import annotations

COMMANDS: list = []  # type: ignore[type-arg]

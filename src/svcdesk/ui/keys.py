"""Key descriptions in the interface language, and the command palette built from the keys.

Bindings are declared once, on the class, with an i18n key as their description
(``"key.new_call"``); :func:`translate_bindings` gives each instance the words of the
signed-in language. Every binding that shows in the footer is also a command-palette entry
(:func:`binding_commands`), so a screen added later is reachable from Ctrl+P without more code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import partial
from typing import Any

from textual.app import App, SystemCommand
from textual.dom import DOMNode
from textual.screen import Screen

from svcdesk.i18n import Translator

PREFIX = "key."


def translate_bindings(node: DOMNode, t: Translator, actions: dict[str, str] | None = None) -> None:
    """Replaces ``key.*`` descriptions of ``node``'s own bindings by their translation, and
    the descriptions of the bindings of ``actions`` (action -> i18n key), for bindings that
    Textual adds itself (the command palette's)."""
    actions = actions or {}
    # The instance's bindings are its own copy of the class's (DOMNode.__init__), so this
    # changes nothing for other instances or languages.
    bindings_map = node._bindings
    for key, bindings in bindings_map.key_to_bindings.items():
        bindings_map.key_to_bindings[key] = [
            replace(b, description=t(actions[b.action]))
            if b.action in actions
            else replace(b, description=t(b.description))
            if b.description.startswith(PREFIX)
            else b
            for b in bindings
        ]


def binding_commands(app: App[Any], screen: Screen[Any]) -> Iterator[SystemCommand]:
    """A palette command for every enabled key of the app and the screen that has a
    description, shown in the footer or not (F4, F8...); the keys of widgets (moving a cursor)
    are left out."""
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not isinstance(active.node, App | Screen) or not active.enabled or not binding.description:
            continue
        if binding.action in seen or binding.action == "command_palette":
            continue
        seen.add(binding.action)
        help_text = app.get_key_display(binding)
        yield SystemCommand(
            binding.description, help_text or key, partial(app.run_action, binding.action, active.node)
        )

"""Footer labels follow the chosen language: a binding's `id` names its catalog key."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode

from diag.i18n.tui import TUI
from reports.i18n import Lang


def translate_bindings(node: DOMNode, lang: Lang) -> None:
    """Rewrite the descriptions of `node`'s bindings whose id is a key of the TUI catalog."""
    keys: dict[str, list[Binding]] = {}
    for key, bindings in node._bindings.key_to_bindings.items():
        keys[key] = [
            replace(binding, description=TUI.text(binding.id, lang)) if binding.id and binding.id in TUI else binding
            for binding in bindings
        ]
    node._bindings = BindingsMap.from_keys(keys)
    node.refresh_bindings()

"""A row of choices picked with one key each (1, 2, 3...), or with the arrow keys: the
intake's category, subtype and handling mode. Tab leaves it like any field."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    enabled: bool = True


class ChoiceBar(Widget, can_focus=True):
    DEFAULT_CSS = """
    ChoiceBar {
        height: auto;
        min-height: 1;
        width: 1fr;
        padding: 0 1;
        background: $boost;
    }
    ChoiceBar:focus {
        background: $primary 20%;
    }
    ChoiceBar.-invalid {
        background: $error 15%;
    }
    """

    BINDINGS = [
        Binding("left", "move(-1)", show=False),
        Binding("right", "move(1)", show=False),
        Binding("backspace,delete", "clear", show=False),
    ]

    value: reactive[str | None] = reactive(None)

    class Changed(Message):
        """The choice changed (by a key, or set by the screen)."""

        def __init__(self, bar: ChoiceBar, value: str | None) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

        @property
        def control(self) -> ChoiceBar:
            return self.bar

    def __init__(self, choices: list[Choice] | None = None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._choices: list[Choice] = list(choices or [])
        self.empty_text = ""

    @property
    def choices(self) -> list[Choice]:
        return list(self._choices)

    def set_choices(self, choices: list[Choice], empty_text: str = "") -> None:
        """Replaces the choices; the value is kept only if it is still an enabled choice."""
        self._choices = list(choices)
        self.empty_text = empty_text
        if self.value is not None and not any(c.value == self.value and c.enabled for c in choices):
            self.value = None
        self.refresh(layout=True)

    def is_enabled(self, value: str) -> bool:
        return any(c.value == value and c.enabled for c in self._choices)

    def watch_value(self, old: str | None, new: str | None) -> None:
        if old != new:
            self.post_message(self.Changed(self, new))
        self.refresh()

    def render(self) -> Text:
        if not self._choices:
            return Text(self.empty_text, style="dim")
        out = Text()
        for index, choice in enumerate(self._choices, start=1):
            if index > 1:
                out.append("  ")
            selected = choice.value == self.value
            style = "reverse bold" if selected else ("" if choice.enabled else "dim strike")
            out.append(f"{index}", style="bold" if choice.enabled else "dim")
            out.append(" ")
            out.append(choice.label, style=style)
        return out

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char is not None and char.isdigit() and char != "0":
            index = int(char) - 1
            if index < len(self._choices):
                event.stop()
                event.prevent_default()
                choice = self._choices[index]
                if choice.enabled:
                    self.value = choice.value
                else:
                    self.app.bell()

    def action_move(self, step: int) -> None:
        enabled = [c.value for c in self._choices if c.enabled]
        if not enabled:
            return
        if self.value not in enabled:
            self.value = enabled[0 if step > 0 else -1]
            return
        index = enabled.index(self.value) + step
        self.value = enabled[max(0, min(len(enabled) - 1, index))]

    def action_clear(self) -> None:
        self.value = None

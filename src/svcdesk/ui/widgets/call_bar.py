"""The strip above the intake: the opening line to read, how long the call has run and, while
the caller is on hold, the hold timer (it turns red once a 30-second break is due)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widget import Widget


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes:02d}:{secs:02d}"


class CallBar(Widget):
    DEFAULT_CSS = """
    CallBar {
        height: auto;
        padding: 0 1;
        background: $panel;
    }
    CallBar.-holding {
        background: $warning 30%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.script = ""
        self.call_label = ""
        self.hold_label = ""
        self.callback_label = ""
        self.call_started: datetime | None = None
        self.hold_started: datetime | None = None
        self.break_due = False
        self.callback_text = ""
        self.now: datetime | None = None

    def update_state(
        self,
        *,
        now: datetime,
        call_started: datetime | None,
        hold_started: datetime | None,
        break_due: bool = False,
        callback_text: str = "",
    ) -> None:
        shape = (call_started is None, hold_started is None, break_due, callback_text)
        same_shape = shape == (
            self.call_started is None,
            self.hold_started is None,
            self.break_due,
            self.callback_text,
        )
        seconds = int(now.timestamp())
        if same_shape and self.now is not None and int(self.now.timestamp()) == seconds:
            return  # nothing on the strip changed: no repaint
        self.now = now
        self.call_started = call_started
        self.hold_started = hold_started
        self.break_due = break_due
        self.callback_text = callback_text
        self.set_class(hold_started is not None, "-holding")
        # Only a new part of the strip can change its height; the ticking timers cannot.
        self.refresh(layout=not same_shape)

    def render(self) -> Text:
        out = Text()
        out.append(self.script, style="bold")
        if self.now is not None and self.call_started is not None:
            out.append("   ")
            out.append(f"{self.call_label} {clock_text((self.now - self.call_started).total_seconds())}")
        if self.now is not None and self.hold_started is not None:
            out.append("   ")
            held = clock_text((self.now - self.hold_started).total_seconds())
            out.append(f" {self.hold_label} {held} ", style="bold white on red" if self.break_due else "bold")
        if self.callback_text:
            out.append("   ")
            out.append(self.callback_text, style="bold")
        return out

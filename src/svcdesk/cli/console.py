"""Opening the console, shared by ``svcdesk``, ``svcdesk console``, ``svcdesk call`` and
``svcdesk demo`` (through Typer) and by the fast start in :mod:`svcdesk.cli.launch`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcdesk.cli import common

if TYPE_CHECKING:
    from svcdesk.services.factory import Services


def open_console(db: str | None, lang: str | None, phone: str | None = None) -> None:
    """The console draws its sign-in screen first and opens the services in a worker
    meanwhile (see ``SvcdeskApp``); a database that cannot be opened is said there. A bad
    ``--lang`` is refused here, before the terminal is taken over."""
    resolved = common.settings(db, lang)
    from svcdesk.ui.app import SvcdeskApp  # the console is imported only when it opens

    def open_services() -> Services:
        from svcdesk.services.factory import build_services

        return build_services(resolved, common.CLOCK)

    SvcdeskApp(open_services, lang=resolved.lang, phone=phone).run()

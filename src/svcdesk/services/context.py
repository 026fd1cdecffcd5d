"""Who is acting, and the checks every use case starts with."""

from __future__ import annotations

from dataclasses import dataclass

from svcdesk.domain.roles import Permission, Role, may
from svcdesk.services.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    role: Role
    display_name: str = ""

    def require(self, permission: Permission, what: str) -> None:
        if not may(self.role, permission):
            raise PermissionDenied(
                f"{self.username} ({self.role.value}) may not {what}; "
                f"ask a {'shift lead' if may(Role.LEAD, permission) else 'member of the hotline office'}"
            )

    def can(self, permission: Permission) -> bool:
        return may(self.role, permission)

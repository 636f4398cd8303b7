"""Users of the sync server: roles, teams and tokens, of which only a hash is kept.

A token is shown once, when its user is added; the server stores its SHA-256 and finds
the user by it. Revoking a user keeps the row (its devices' entries still name it) and
refuses its token from then on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kamdesk.errors import KamdeskError
from kamdesk.i18n import _
from kamdesk.server.db import users

#: Every token starts so, which lets a secret scanner recognise a leaked one.
TOKEN_PREFIX = "kd_"


class Role(StrEnum):
    """What a user may do: reps and managers work on their team's accounts, admins see all."""

    REP = "rep"
    MANAGER = "manager"
    ADMIN = "admin"


class UserError(KamdeskError):
    """An admin command that cannot be done (a name taken, a user unknown)."""


@dataclass(frozen=True)
class User:
    """A user as a request sees it."""

    id: int
    name: str
    role: Role
    team: str
    revoked: bool = False

    @property
    def sees_every_team(self) -> bool:
        """Admins read every team's accounts."""
        return self.role is Role.ADMIN


def hash_token(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh token: 256 random bits, URL-safe."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _clean(text: str, refusal: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > 200 or any(ord(c) < 32 for c in cleaned):
        raise UserError(refusal)
    return cleaned


def add_user(engine: Engine, name: str, role: Role, team: str) -> str:
    """Add a user; return its token, which is stored nowhere but in its hash."""
    name = _clean(name, _("A user name is 1 to 200 characters, without control characters."))
    team = _clean(team, _("A team name is 1 to 200 characters, without control characters."))
    token = new_token()
    with engine.begin() as db:
        taken = db.execute(sa.select(users.c.id).where(users.c.name == name)).first()
        if taken is not None:
            raise UserError(_("There is already a user called {name}.").format(name=name))
        db.execute(
            users.insert().values(
                name=name,
                role=role.value,
                team=team,
                token_hash=hash_token(token),
                created_at=_now(),
            )
        )
    return token


def list_users(engine: Engine) -> list[User]:
    """Every user, revoked ones too, by name."""
    with engine.connect() as db:
        found = db.execute(sa.select(users).order_by(users.c.name)).all()
    return [
        User(r.id, r.name, Role(r.role), r.team, revoked=r.revoked_at is not None) for r in found
    ]


def revoke_user(engine: Engine, name: str) -> None:
    """Refuse ``name``'s token from now on."""
    with engine.begin() as db:
        done = db.execute(
            users.update()
            .where(users.c.name == name, users.c.revoked_at.is_(None))
            .values(revoked_at=_now())
        )
        if done.rowcount == 0:
            known = db.execute(sa.select(users.c.id).where(users.c.name == name)).first()
            if known is None:
                raise UserError(_("There is no user called {name}.").format(name=name))


def user_for_token(engine: Engine, token: str) -> User | None:
    """The live user whose token this is, or None (unknown or revoked)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    with engine.connect() as db:
        row = db.execute(
            sa.select(users).where(
                users.c.token_hash == hash_token(token), users.c.revoked_at.is_(None)
            )
        ).first()
    if row is None:
        return None
    return User(row.id, row.name, Role(row.role), row.team)

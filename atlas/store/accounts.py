"""Users, their roles, and signing in (passwords hashed with argon2id).

Every store call takes the acting :class:`User`; :func:`acting` reads that user's role again
from the store in the call's own transaction, so a user removed or given another role loses
their old rights at once, and a ``User`` made up by a caller grants nothing the store does not
say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, func, insert, select, update

from atlas.errors import AccessDenied, SignInError, StoreError
from atlas.i18n import N_, _, ngettext
from atlas.store import schema
from atlas.store.engine import serialise_user_writers, writing
from atlas.store.store import Store, audit_row
from atlas.store.times import now
from atlas.store.vocabulary import Role

__all__ = [
    "MIN_PASSWORD",
    "User",  # i18n-ignore: a name of the API
    "acting",
    "add_user",
    "list_users",
    "needs_first_admin",
    "set_password",
    "sign_in",
]

#: The shortest password the atlas accepts.
MIN_PASSWORD = 8
_HASHER = PasswordHasher()
_NAME = re.compile(r"^[\w.@-]{1,100}$")
# Verified when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")  # i18n-ignore: never shown


@dataclass(frozen=True)
class User:
    """A signed-in user: name, role, and the cluster of a member (None for other roles)."""

    name: str
    role: Role
    cluster: str | None = None

    def can(self, needed: Role) -> bool:
        """True when this user's role includes ``needed``."""
        return self.role.can(needed)


def acting(conn: Connection, user: User, needed: Role, doing: str) -> User:
    """The acting user as the store knows them now, when their role includes ``needed``.

    Raises
    ------
    AccessDenied
        The user is unknown or no longer active, or their role does not include ``needed``
        (the message says what ``doing`` needs).
    """
    row = conn.execute(
        select(schema.users).where(schema.users.c.name == user.name, schema.users.c.active)
    ).first()
    if row is None:
        raise AccessDenied(
            _(
                "The user '{name}' is not (or no longer) a user of this store: sign in again.",
                name=user.name,
            )
        )
    current = User(row.name, Role.parse(row.role), row.cluster)
    if not current.can(needed):
        raise AccessDenied(
            # TRANSLATORS: {doing} is what the user tried, e.g. "adding a user"; {role} and
            # {needed} are roles with their article, e.g. "a viewer", "an admin".
            _(
                "{name} is {role}: {doing} needs {needed} or above. "
                "Ask an admin of this atlas for that role.",
                name=current.name,
                role=_a(current.role),
                doing=doing,
                needed=_a(needed),
            )
        )
    return current


#: Each role with its article, as a sentence names someone's role.
_WITH_ARTICLE = {
    Role.VIEWER: N_("a viewer"),
    Role.MEMBER: N_("a member"),
    Role.COORDINATOR: N_("a coordinator"),
    Role.ADMIN: N_("an admin"),
}


def _a(role: Role) -> str:
    """``a member``, ``an admin``, in the language of the session."""
    return _(_WITH_ARTICLE[role])


def _too_short() -> str:
    return ngettext(
        "The password is too short: use at least {n} character.",
        "The password is too short: use at least {n} characters.",
        MIN_PASSWORD,
    )


def needs_first_admin(store: Store) -> bool:
    """True when the store has no user yet (the first must be an admin)."""
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(schema.users)).scalar_one() == 0


def _clusters(conn: Connection) -> list[str]:
    rows = conn.execute(
        select(schema.settlements.c.cluster)
        .where(schema.settlements.c.cluster.is_not(None))
        .distinct()
    )
    return sorted(str(r[0]) for r in rows)


def add_user(
    store: Store,
    actor: User | None,
    name: str,
    role: Role | str,
    password: str,
    cluster: str | None = None,
) -> User:
    """Add a user. The first user of an empty store must be an admin and has no ``actor``;
    after that the actor must be an admin.

    Raises
    ------
    AccessDenied
        No actor on a store that has users, or an actor who is not an admin.
    StoreError
        The name is taken or not usable, the password too short, or the cluster wrong for the
        role (a member needs one of the register's clusters; other roles have none).
    """
    role = Role.parse(role) if isinstance(role, str) else role
    name = name.strip()
    if not _NAME.match(name):
        raise StoreError(
            _(
                "'{name}' cannot be a user name: use up to 100 letters, digits, '.', '-', '_' "
                "or '@', with no spaces.",
                name=name,
            )
        )
    if len(password) < MIN_PASSWORD:
        raise StoreError(_too_short())
    with writing(store.engine) as conn:
        serialise_user_writers(conn)
        empty = conn.execute(select(func.count()).select_from(schema.users)).scalar_one() == 0
        if empty:
            if role is not Role.ADMIN:
                raise StoreError(_("The store has no users yet: the first one must be an admin."))
            by = "first start"  # i18n-ignore: the audit log's word for no one
        else:
            if actor is None:
                raise AccessDenied(
                    _(
                        "The store already has users: only an admin may add one "
                        "(sign in as an admin)."
                    )
                )
            by = acting(conn, actor, Role.ADMIN, _("adding a user")).name
        if role is Role.MEMBER:
            clusters = _clusters(conn)
            if cluster is None or cluster not in clusters:
                known = ", ".join(clusters) or _("none: register settlements with clusters first")
                raise StoreError(
                    _(
                        "A member belongs to one cluster of the register; none was given. "
                        "Clusters: {clusters}.",
                        clusters=known,
                    )
                    if cluster is None
                    else _(
                        "A member belongs to one cluster of the register; {cluster} is not one. "
                        "Clusters: {clusters}.",
                        cluster=repr(cluster),
                        clusters=known,
                    )
                )
        elif cluster is not None:
            raise StoreError(
                # TRANSLATORS: {role} is the role as the commands write it: viewer,
                # coordinator or admin.
                _(
                    "Only a member belongs to one cluster: a {role} works with every cluster, "
                    "so give no cluster.",
                    role=role.label,
                )
            )
        taken = conn.execute(
            select(schema.users.c.name).where(schema.users.c.name_key == name.casefold())
        ).first()
        if taken is not None:
            raise StoreError(
                _("There is already a user called '{name}': choose another name.", name=taken[0])
            )
        conn.execute(
            insert(schema.users).values(
                name=name,
                name_key=name.casefold(),
                role=role.label,
                cluster=cluster,
                password_hash=_HASHER.hash(password),
                active=True,
                created_at=now(),
                created_by=None if empty else by,
            )
        )
        audit_row(conn, by, "user.added", name, role=role.label, cluster=cluster)
    return User(name, role, cluster)


def sign_in(store: Store, name: str, password: str, *, record: bool = True) -> User:
    """The user ``name`` when ``password`` is theirs.

    Raises
    ------
    SignInError
        The name is unknown or the password wrong (one message for both); each failure is
        written to the audit log (a success too, when ``record``: a command line that signs in
        for each command passes False).
    """
    with store.engine.connect() as conn:
        row = conn.execute(
            select(schema.users).where(
                schema.users.c.name_key == name.strip().casefold(), schema.users.c.active
            )
        ).first()
    try:
        _HASHER.verify(row.password_hash if row else _DUMMY_HASH, password)
        ok = row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or row is None:
        # Committed before raising: an error inside the transaction would roll it back.
        with writing(store.engine) as conn:
            audit_row(conn, name.strip()[:100] or "?", "signin.failed")
        raise SignInError(
            _(
                "The user name or the password is wrong. Check both (passwords are "
                "case-sensitive), or ask an admin of this atlas to set a new one."
            )
        )
    with writing(store.engine) as conn:
        if _HASHER.check_needs_rehash(row.password_hash):
            conn.execute(
                update(schema.users)
                .where(schema.users.c.name == row.name)
                .values(password_hash=_HASHER.hash(password))
            )
        if record:
            audit_row(conn, row.name, "signin")
    return User(row.name, Role.parse(row.role), row.cluster)


def list_users(store: Store, actor: User) -> list[dict[str, object]]:
    """Every user with role and cluster (never a password hash); admins only.

    Raises
    ------
    AccessDenied
        The actor is not an admin.
    """
    with store.engine.connect() as conn:
        acting(conn, actor, Role.ADMIN, _("listing users"))
        rows = conn.execute(select(schema.users).order_by(schema.users.c.name_key))
        return [
            {"name": r.name, "role": r.role, "cluster": r.cluster, "active": bool(r.active)}
            for r in rows
        ]


def set_password(store: Store, actor: User, name: str, password: str) -> None:
    """Give ``name`` a new password: an admin for anyone, any user for themselves.

    Raises
    ------
    AccessDenied
        The actor is neither an admin nor ``name``.
    StoreError
        No such user, or the password is too short.
    """
    if len(password) < MIN_PASSWORD:
        raise StoreError(_too_short())
    with writing(store.engine) as conn:
        own = actor.name.casefold() == name.strip().casefold()
        user = acting(
            conn, actor, Role.VIEWER if own else Role.ADMIN, _("setting another user's password")
        )
        target = conn.execute(
            select(schema.users.c.name).where(schema.users.c.name_key == name.strip().casefold())
        ).scalar()
        if target is None:
            raise StoreError(_("There is no user '{name}': check the name.", name=name))
        conn.execute(
            update(schema.users)
            .where(schema.users.c.name == target)
            .values(password_hash=_HASHER.hash(password))
        )
        audit_row(conn, user.name, "user.password_set", target)  # the name as the store has it

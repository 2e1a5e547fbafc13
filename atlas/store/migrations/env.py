"""Alembic's environment for the atlas store: always run on a connection the store hands over
(``config.attributes["connection"]``, in a transaction it has begun), never from a URL here."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=None,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()

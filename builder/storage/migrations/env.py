"""How Alembic runs Tremplin's migrations: always on a connection handed over by
:func:`builder.storage.schema.upgrade`, inside the transaction it opened (so that two
servers starting at once run them one after the other, and a failed migration leaves
the database as it was)."""

from __future__ import annotations

from alembic import context

from builder.storage.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()

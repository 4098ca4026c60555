"""Alembic's migrations of Tremplin's schema (``env.py``, ``versions/``): see builder.storage.schema."""

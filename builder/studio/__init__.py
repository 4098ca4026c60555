"""The studio, where associations build and run their services.

One blueprint per area: :mod:`~builder.studio.auth` (accounts, ``/compte``),
:mod:`~builder.studio.orgs` (organisations and members, ``/studio``). Further studio
blueprints are named ``studio_*`` and protect their views with
:mod:`~builder.studio.access`.
"""

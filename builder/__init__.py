"""Tremplin: a no-code studio for small public services, and the mini-sites it serves.

``create_app`` is the application factory (``flask --app builder run``). It is loaded
lazily (PEP 562) so that the command line, the loader and the rule engine, which live
in this package too, do not pay for importing Flask and its extensions.
"""

__all__ = ["create_app"]


def __getattr__(name: str):
    if name == "create_app":
        from builder.app import create_app

        return create_app
    raise AttributeError(f"module 'builder' has no attribute {name!r}")

"""The pure-Python core of the studio editor: no Flask in here.

- :mod:`builder.editing.document`: a service file as an editable document, read from and
  written back to YAML in a stable, readable style.
- :mod:`builder.editing.operations`: pure edits (add, move, duplicate, delete with undo…)
  on the document's data, and :func:`~builder.editing.operations.validate`, which places
  each problem next to the step, block or outcome that caused it.
- :mod:`builder.editing.forms`: the form of a block's parameters, generated from what the
  block type declares, and the conversion of what was typed back to parameters.
- :mod:`builder.editing.conditions`: the « question / opérateur / valeur » condition
  builder and the text mode checked as one types.
- :mod:`builder.editing.plain_language`: plain-language hints (never blocking).
"""

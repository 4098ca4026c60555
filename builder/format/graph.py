"""Order the names of a service so each comes after what it depends on.

Questions depend on the names in their own ``show_if`` and in their step's;
computed values depend on the names in their expression. A cycle (``a`` needs
``b`` which needs ``a``) has no order: it is reported with its path.
"""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter
from typing import Iterable, Mapping


def evaluation_order(dependencies: Mapping[str, Iterable[str]]) -> tuple[list[str], list[str] | None]:
    """Return ``(order, cycle)``: a stable order of the names, or the first cycle found.

    Names keep the order of ``dependencies`` (the file's order) wherever their
    dependencies allow it, so the order is predictable and readable.
    """
    position = {name: index for index, name in enumerate(dependencies)}
    sorter = TopologicalSorter({name: [d for d in deps if d in position] for name, deps in dependencies.items()})
    try:
        sorter.prepare()
    except CycleError as error:
        cycle = list(error.args[1])
        return [], cycle
    order: list[str] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        order.extend(ready)
        sorter.done(*ready)
    return order, None

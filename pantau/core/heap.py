"""The long-lived heap, frozen out of the cyclic garbage collector's way.

A worker ends its start-up with ~230,000 objects the collector tracks and that live as long as the
process: modules, the compiled rules, the judge, Faust's app. Python's full (generation 2) collection
walks all of them every time: in one `pantau worker` taking 30,000 articles, two full collections
during the burst cost ~0.15 s each (0.30 s of 11.5 CPU-s, each a pause of the event loop). Frozen
(``gc.freeze``, CPython's permanent generation), they are skipped: full collections walk only what
the work itself allocated.

A rules reload replaces part of that heap: :func:`resettle` unfreezes first, so the collector can
free the old rule set's reference cycles, then freezes what is alive again (one full collection,
~0.2 s, beside the reload's own seconds). A batch still classifying with the old set when it runs
keeps it alive, frozen, until the next reload: at most one old set, never a growing pile.
"""

from __future__ import annotations

import gc

__all__ = ["settle", "resettle"]


def settle() -> int:
    """Collect the start-up garbage, then freeze every object alive now; returns how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def resettle() -> int:
    """After a part of the long-lived heap was replaced: unfreeze, collect what died, freeze again.

    Only in a process that settled (nothing frozen: nothing done, so a test or a one-shot command
    keeps Python's usual collection); returns how many objects are frozen.
    """
    if not gc.get_freeze_count():
        return 0
    gc.unfreeze()
    return settle()

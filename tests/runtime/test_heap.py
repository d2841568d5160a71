"""pantau/core/heap.py: the long-lived heap frozen at start, refrozen after a rules reload.

Each scenario runs in a fresh interpreter: freezing the test process's heap would change how every
later test's garbage is collected.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from tests.streams.classify.conftest import MINIMAL

ROOT = Path(__file__).resolve().parents[2]


def run(code: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]  # after any log lines


def test_settle_collects_garbage_first_then_freezes_what_lives():
    assert (
        run(
            """
            import gc, weakref
            from pantau.core import heap

            class Node: pass
            dead = Node(); dead.me = dead; gone = weakref.ref(dead); del dead   # a cycle, garbage already
            alive = Node(); alive.me = alive
            frozen = heap.settle()
            print(gone() is None, frozen == gc.get_freeze_count() > 0, gc.is_tracked(alive))
            """
        )
        == "True True True"
    )


def test_resettle_frees_a_cycle_that_died_after_settling_which_a_collection_alone_does_not():
    assert (
        run(
            """
            import gc, weakref
            from pantau.core import heap

            class Node: pass
            old = Node(); old.me = old; ref = weakref.ref(old)
            heap.settle()
            del old          # the old rule set, replaced: a cycle in the permanent generation
            gc.collect()
            kept = ref() is not None
            heap.resettle()
            print(kept, ref() is None, gc.get_freeze_count() > 0)
            """
        )
        == "True True True"
    )


def test_resettle_leaves_a_process_that_never_settled_alone():
    assert run("import gc; from pantau.core import heap; print(heap.resettle(), gc.get_freeze_count())") == "0 0"


def test_a_rules_reload_in_a_settled_process_frees_the_old_set_and_freezes_the_new(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    v1, v2 = (MINIMAL.format(topic="t", body=f"rules:\n  - id: r\n    any: [{word}]\n") for word in ("alpha", "beta"))
    (rules / "t.yaml").write_text(v1, encoding="utf-8")
    assert (
        run(
            f"""
            import gc, weakref
            from pathlib import Path
            from pantau.core import heap
            from pantau.streams.classify import LiveRules

            live = LiveRules(Path({str(rules)!r}))
            old = weakref.ref(live.current)
            heap.settle()
            before = gc.get_freeze_count()
            Path({str(rules / "t.yaml")!r}).write_text({v2!r})
            swapped = live.reload() and old() is None
            # gc.get_objects() lists the collected generations, not the frozen one.
            frozen = gc.is_tracked(live.current) and not any(o is live.current for o in gc.get_objects())
            print(swapped, frozen, before > 0)
            """
        )
        == "True True True"
    )

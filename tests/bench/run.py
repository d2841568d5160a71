"""`make bench`: run every tests/bench/bench_*.py and print one JSON line per case.

Each module exposes ``cases(args) -> Iterable[dict]``; figures that compare
two things (ratios) are measured side by side in the same run, never against
a number recorded elsewhere.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="substrings of bench module names to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE.parent.parent))
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if args.only and not any(o in path.stem for o in args.only):
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"# {path.stem}", file=sys.stderr, flush=True)
        for case in module.cases(args):
            print(json.dumps(case, ensure_ascii=False), flush=True)
            failed += int(case.get("meets_target") is False)
    print(f"# {failed} case(s) missed their target", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

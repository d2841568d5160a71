"""``pantau web``: the editors' web page as its own process; ``pantau web hash-password`` for users."""

from __future__ import annotations

import argparse
import getpass
import sys

from pantau.cli.options import add_config_option, config_from_args

__all__ = ["register", "handle", "hash_password_command"]

EPILOG = """\
examples:
  pantau web --config pantau.yaml               serve the page on web.listen (127.0.0.1:8464), following
                                                the distributed pipeline's topics (archive, silences, feeds)
  pantau web --config pantau.yaml --no-kafka    serve a state file as it is (beside `pantau run`, web: null)
  pantau web --config pantau.yaml --listen 0.0.0.0:8464   behind a TLS proxy; set web.public_url
  pantau web hash-password                      make a password_hash for web.users

`pantau run` serves the same page itself (web.listen in the configuration);
run `pantau web` beside distributed workers, or to serve the page elsewhere.
Users go in the configuration:

  web:
    users:
      - {name: ana, role: editor, password_hash: "$argon2id$..."}

Roles: viewer (read, try, check and backtest edits), editor (also save rules,
silences), admin (also the audit log). Without users or web.token, a token is
kept next to the state file and a login link is logged at start.
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``web`` (and ``web hash-password``) to the command line."""
    parser = subparsers.add_parser(
        "web",
        help="serve the editors' web page (archive, rules, silences, feedback)",
        description="Serve the editors' web page for a configuration's state, rules and feeds.",
        epilog=EPILOG,
    )
    add_config_option(parser)
    parser.add_argument("--listen", metavar="HOST:PORT", help="address to listen on (default: web.listen)")
    parser.add_argument(
        "--no-kafka",
        action="store_true",
        help="serve the state file as it is (beside `pantau run` with web: null) instead of "
        "following the distributed pipeline's topics",
    )
    sub = parser.add_subparsers(dest="web_command", metavar="ACTION")
    hasher = sub.add_parser(
        "hash-password",
        help="print an argon2 hash of a password for web.users",
        description="Read a password (asked twice on a terminal, else one line of stdin) "
        "and print its argon2id hash for web.users[].password_hash.",
        epilog=EPILOG,
    )
    hasher.set_defaults(handler=hash_password_command)
    parser.set_defaults(handler=handle)


def hash_password_command(args: argparse.Namespace) -> int:
    """Print the argon2id hash of a password read from the terminal or stdin."""
    from pantau.web.auth import hash_password

    if sys.stdin.isatty():
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            print("pantau: error: the two passwords differ", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        print("pantau: error: use at least 10 characters", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


def handle(args: argparse.Namespace) -> int:
    """Serve the page in the foreground until Ctrl-C."""
    from pantau.core.logs import get_logger
    from pantau.streams.classify import LiveRules
    from pantau.web.app import build_app, make_context
    from pantau.web.server import serve

    config = config_from_args(args)
    listen = args.listen or config.web.listen
    if not listen:
        print("pantau: error: web.listen is null; pass --listen HOST:PORT", file=sys.stderr)
        return 1
    live = LiveRules(config.rules).start()

    def problem() -> str | None:
        return "; ".join(str(p) for p in live.last_error.problems[:3]) if live.last_error is not None else None

    followers = None
    if not args.no_kafka:  # distributed: the archive view, silences and feed states come from the topics
        from pantau.web.distributed import follow

        followers = follow(config)
    context = make_context(
        config,
        lambda: live.current,
        mode="distributed" if followers else "web",
        rules_problem=problem,
        silences=followers.silences if followers else None,
        feed_states=followers.feed_states if followers else None,
    )
    app = build_app(context)
    log = get_logger(component="web")
    generated = not config.web.users and not config.web.token
    extra = {"login": f"http://{listen}/login?token={context.accounts.token}"} if generated else {}
    log.info("web_started", url=f"http://{listen}", **extra)
    try:
        serve(app, listen)
    finally:
        live.stop()
        if followers is not None:
            followers.stop()
    return 0

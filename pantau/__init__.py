"""pantau: a streaming news monitor with alerting.

The package is laid out by layer (see README.md, "Architecture"):

- ``pantau.core``: what every part shares: the Article record, errors, config, logs, metrics.
- ``pantau.sources`` (folder ``sources/``): fetch -> parse -> normalise.
- ``pantau.streams`` (folder ``streams/``): classify -> stories -> route -> deliver.
- ``pantau.adapters``: storage and transport by technology (SQLite, Kafka, Faust).
- ``pantau.runtime``: the processes, assembled from the above (embedded, source worker, stream worker).
- ``pantau.cli``: the ``pantau`` command; each subcommand parses arguments and calls one function.
- ``pantau.rules`` (folder ``rules/``): the shipped topic rules and their labelled corpus (data).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("pantau")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = ["__version__"]

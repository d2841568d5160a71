"""The shared kernel both sides depend on: the Article record, errors, config, logs, metrics.

Nothing here imports ``pantau.sources``'s fetching machinery, ``pantau.streams``'s
runtime, Kafka, Faust or SQLite adapters; ``pantau.sources`` and ``pantau.streams``
import from here, never from each other's runtime.
"""

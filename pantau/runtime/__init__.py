"""The running processes, assembled from core, sources, streams and adapters.

- ``embedded``: ``pantau run``, the whole pipeline in one process with SQLite state.
- ``sources_worker``: ``pantau sources``, polling a share of the feeds and publishing to Kafka.
- ``stream_worker``: ``pantau worker``, the Faust app classifying and delivering from Kafka.
- ``observe``: the /metrics, /healthz and /readyz server every process runs.
"""

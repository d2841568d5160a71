"""pantau streams: classify -> stories -> route -> deliver.

The same pure functions run inside the Faust agents (``streams.app``) and the
embedded single-process runner (``streams.embedded``).
"""

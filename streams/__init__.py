"""pantau streams: classify -> stories -> route -> deliver.

The same pure functions run inside the Faust agents (``pantau.adapters.faust.app``) and the
embedded single-process runner (``pantau.runtime.embedded``).
"""

"""Faust adapters: the stream worker's app, agents, tables and sensors."""

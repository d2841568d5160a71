"""Shipped defaults: pantau.yaml and the curated feed list (data files)."""

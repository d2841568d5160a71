"""Data, not code: the topic rules pantau ships with (see README.md in this folder).

This file only lets Python find the folder as package data (``pantau.rules``).
"""

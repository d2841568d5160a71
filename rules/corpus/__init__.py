"""Data, not code: the labelled corpus ``pantau rules test`` measures the rules on."""

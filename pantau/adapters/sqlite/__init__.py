"""SQLite adapters: embedded mode keeps all of its state in one file."""

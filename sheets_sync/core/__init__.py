"""The pure rules of a sync: plain typed records and a `date` in, plain data out.

Nothing in this package imports a store (sheets_sync.stores) or the shell (CLI, sync,
worker, outputs), or reads the clock or a user's file; tests/test_architecture.py checks it.
"""

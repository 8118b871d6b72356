"""This folder ships inside the installed package as `sheets_sync.shipped_config` (see
pyproject.toml); the code reads default.toml from there with importlib.resources."""

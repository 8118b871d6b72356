"""This folder ships inside the installed package as `sheets_sync.shipped_templates` (see
pyproject.toml); the code reads the <lang>.toml files from there with importlib.resources."""

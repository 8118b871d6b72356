"""This folder ships inside the installed package as `sheets_sync.shipped_locales` (see
pyproject.toml); the code reads the <lang>.toml catalogues from there with importlib.resources."""

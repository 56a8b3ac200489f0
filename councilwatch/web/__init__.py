"""The journalists' web view: councilwatch's own pages inside Datasette (see plugin.py)."""

"""The bottom layer: configuration models and UK time, importing nothing of the project."""

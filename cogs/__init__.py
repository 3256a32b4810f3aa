"""Discord-facing features, one package per feature; each package's ``__init__`` holds the cog."""

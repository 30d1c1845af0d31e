"""Model families: each a small package registered by name in `registry`."""

"""Closeness: a Discord bot for daily connection prompts, starters and paired check-ins."""

__version__ = "0.1.0"

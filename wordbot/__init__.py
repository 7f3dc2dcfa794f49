"""WordBot: a Telegram bot that teaches vocabulary."""

__all__ = ["__version__"]

__version__ = "0.1.0"

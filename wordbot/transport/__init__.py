"""Telegram I/O: update parsing, the outbound sender, the polling loop."""

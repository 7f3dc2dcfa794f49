"""Texts and keyboards the bot shows, as pure functions of plain data (HTML parse mode)."""

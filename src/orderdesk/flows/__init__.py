"""Workflows that cross domains (STYLE.md: layers); each one function, one atomic block."""

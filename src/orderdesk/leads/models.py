"""Leads and follow-ups."""

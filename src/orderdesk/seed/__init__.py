"""Demo data for orderdesk (SPEC §10): ``orderdesk seed``; the steps are in ``seed.demo``."""

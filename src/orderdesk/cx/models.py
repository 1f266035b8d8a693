"""CX tickets."""

"""The OS2 governance report: parse any generation of it and compute levels."""

"""Analyses of codings: they read a CodingData and return plain results."""

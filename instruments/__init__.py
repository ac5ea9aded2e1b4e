"""The rating instruments that ship with the application, as data files (see docs/ratings.md)."""

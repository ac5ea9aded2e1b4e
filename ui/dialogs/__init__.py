"""Dialogs for setting up: a new group, a new session, a new coding."""

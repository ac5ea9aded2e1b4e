"""The command line: ``group-observer COMMAND``, headless."""

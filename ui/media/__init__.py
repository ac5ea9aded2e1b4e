"""Playing a session's recording while coding or reviewing it (Qt Multimedia)."""

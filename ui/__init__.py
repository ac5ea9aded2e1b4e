"""The Qt application of Group Process Observer."""

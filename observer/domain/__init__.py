"""The rules of group observation: events, participants, codebooks, clocks. No storage, no Qt."""

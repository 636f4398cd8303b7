"""Sync: the hybrid logical clock now; merge and transports build on it later."""

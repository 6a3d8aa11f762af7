"""Persistence of workflow instances: the engine's state and event log in the database."""

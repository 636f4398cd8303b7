"""The team sync server: relays the books' change-log entries between a team's devices.

It stores the same entries the shared folder carries (``kamdesk.sync.entries``) and
never merges them itself; each book merges what it downloads with the same merge as a
folder sync. What the server adds is who may see and write what (``visibility``),
users with hashed tokens (``auth``), and an HTTP API (``app``).
"""

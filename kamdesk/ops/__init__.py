"""One small function per user action: validate, write in one transaction, report back.

The UI calls these and turns their typed errors into messages; undo is built from what
they return (the values a change replaced).
"""

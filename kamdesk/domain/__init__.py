"""Pure rules of key-account management: vocabulary, fields, validation, tiers, coverage.

Nothing here touches the database or Qt, so it is cheap to import (the window uses it
before its first paint) and easy to test.
"""

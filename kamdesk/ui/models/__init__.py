"""Qt item models over the book: ids plus a row cache, never widgets holding data."""

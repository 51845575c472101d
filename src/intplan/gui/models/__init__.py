"""Qt item models over domain values and service results."""

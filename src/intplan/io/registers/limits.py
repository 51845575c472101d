"""Bounds on register files, checked before anything is allocated (docs/mapping.md).

A register is a list of people: a whole ICS is tens of thousands of rows. These limits are
far above any real register and far below what would exhaust a desktop's memory.
"""

from __future__ import annotations

#: largest register file read (CSV bytes, or an .xlsx sheet's uncompressed XML)
MAX_REGISTER_BYTES = 256 * 1024 * 1024
#: Excel's own sheet limits; a cell reference beyond them is not a real worksheet
MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
#: Excel's limit on the characters in one cell; a longer CSV field is reported
MAX_CELL_CHARS = 32_767
#: smallest FTE accepted: 0.01 FTE is about 22 minutes a week
MIN_FTE = 0.01

"""placeholder"""

RESULT_SHEET_PREFIXES: tuple[str, ...] = ("Results", "Plan", "Splits", "Compare")


def is_result_sheet(name: str) -> bool:
    return name.startswith(RESULT_SHEET_PREFIXES)

"""Staff registers from employers (.xlsx, .csv) and the optional mapping workbook."""

from intplan.io.registers.headers import FIELDS, normalise_header
from intplan.io.registers.mapping_file import ManualRow, MappingFile, read_mapping_file
from intplan.io.registers.read import (
    RegisterFile,
    RegisterRow,
    RowRejection,
    parse_number,
    read_register,
)
from intplan.io.registers.synonyms import (
    RoleMatch,
    RoleSynonyms,
    Synonym,
    normalise_title,
    resource_path,
)

__all__ = [
    "FIELDS",
    "ManualRow",
    "MappingFile",
    "RegisterFile",
    "RegisterRow",
    "RoleMatch",
    "RoleSynonyms",
    "RowRejection",
    "Synonym",
    "normalise_header",
    "normalise_title",
    "parse_number",
    "read_mapping_file",
    "read_register",
    "resource_path",
]

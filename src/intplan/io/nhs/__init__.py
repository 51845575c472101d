"""Readers for the files NHS England publishes (Patients Registered at a GP Practice,
ePCN, General Practice Workforce, ...), each file recognised by its header row."""

from intplan.io.nhs.recognise import Folder, Kind, kind_of, recognise
from intplan.io.nhs.tables import Table, normalise, read_folder

__all__ = ["Folder", "Kind", "Table", "kind_of", "normalise", "read_folder", "recognise"]

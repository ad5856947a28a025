"""Satu Data metadata catalog: YAML records in git → validation → portal and exports."""

__version__ = "0.1.0"

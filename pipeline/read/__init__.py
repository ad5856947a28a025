"""Stage 1, files → records: the strict YAML reader (with line numbers), the walk of metadata/ into catalog records, and git."""

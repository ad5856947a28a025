"""Stage 2, records → findings: schema and code lists, rules across records, the SOP log; the engine and its cache."""

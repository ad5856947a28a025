"""Writing records back: YAML edited in place with ruamel.yaml (SOP events, updates from Excel), nothing else disturbed."""

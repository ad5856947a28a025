"""The contract every stage reads: record schemas and code lists (schemas/), roles.yaml and katalog.yaml."""

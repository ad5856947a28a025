"""Stage 3, records → catalog model → outputs: portal pages, the search index and the open-data exports."""

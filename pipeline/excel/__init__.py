"""Excel in and out: the workbook layout from the schemas, records ⇄ cells, and the all-or-nothing import."""

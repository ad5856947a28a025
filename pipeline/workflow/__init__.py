"""Pull requests and the SOP on the forge: check-pr, the labelled diff, CODEOWNERS, new catalogs."""

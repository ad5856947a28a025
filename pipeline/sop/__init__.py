"""The SOP as data and as a state machine: schemas/sop.yaml, the status derived from alur.riwayat, working time."""

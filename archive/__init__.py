"""The archive: WARC files with provenance, and the database writer."""

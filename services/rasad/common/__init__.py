"""Code shared by the ingest, processor and alerting services."""

"""Ingest service: accepts articles over HTTP, from files and folders, and from feeds, and
publishes them to ``articles.raw``."""

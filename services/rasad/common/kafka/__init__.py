"""Kafka plumbing shared by every service: producer, topic administration, dead letters."""

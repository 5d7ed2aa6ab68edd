"""The alerting service: spike detection on the rolling counts, and the alerts' sinks."""

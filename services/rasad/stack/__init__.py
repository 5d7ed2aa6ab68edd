"""The local stack: a real Kafka broker (KRaft, jars from Maven Central), Redis and
Prometheus, started as plain processes on loopback ports without Docker."""

"""Kafka adapters (kafka-python): topics, publisher, topic reader, shared feed state, silences, dead letters."""

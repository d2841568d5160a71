"""Delivery: routes pick destinations, destinations send, the outbox retries."""

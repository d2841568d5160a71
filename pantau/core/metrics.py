"""Every Prometheus metric pantau exports, declared once.

Names follow ``pantau_<subsystem>_<name>_<unit>``: counters end in ``_total``,
durations are seconds, sizes bytes. Per-feed series are labelled by the feed's
id only (no URL, no title), so 10,000 feeds cost 10,000 series per gauge and
nothing grows without bound. ``promtool check metrics`` runs over this output
in the tests. Counters whose first event matters to an alert rule start at
zero for their known label values (``prime_destination`` for destinations).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, Info, disable_created_metrics

# prometheus_client would add a <name>_created series beside every counter and
# histogram child; nothing reads them, and with per-destination and per-rule
# labels they would double those series.
disable_created_metrics()

_LATENCY = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600)

# sources: fetch -> parse -> normalise -> publish
FETCHES = Counter(
    "pantau_sources_fetches_total",
    "Feed fetches by outcome (ok, not_modified, error, blocked, gone, throttled, too_large, timeout, parse_error).",
    ["outcome"],
)
FETCH_DURATION = Histogram(
    "pantau_sources_fetch_duration_seconds",
    "Time to fetch and parse one feed.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
FETCHED_BYTES = Counter("pantau_sources_fetched_bytes_total", "Bytes received from feeds after decompression.")
ARTICLES_PUBLISHED = Counter(
    "pantau_sources_articles_published_total", "New articles handed to the pipeline (Kafka or embedded)."
)
ARTICLES_DUPLICATE = Counter(
    "pantau_sources_duplicates_dropped_total", "Items dropped as already published (same canonical URL or guid)."
)
FEED_LAST_SUCCESS = Gauge(
    "pantau_sources_feed_last_success_timestamp_seconds", "Unix time of the feed's last successful fetch.", ["feed"]
)
FEED_LAST_ITEM = Gauge(
    "pantau_sources_feed_last_new_item_timestamp_seconds", "Unix time the feed last gave a new item.", ["feed"]
)
FEED_FAILURES = Gauge(
    "pantau_sources_feed_consecutive_failures", "Consecutive failed fetches of the feed (0 when healthy).", ["feed"]
)
FEED_SILENT_THRESHOLD = Gauge(
    "pantau_sources_feed_silent_threshold_seconds",
    "Seconds without a new item after which the feed counts as silent.",
    ["feed"],
)
FEEDS = Gauge("pantau_sources_feeds", "Feeds by state (enabled, disabled, failing).", ["state"])

# sources: WebSub push
WEBSUB_SUBSCRIPTIONS = Gauge(
    "pantau_websub_subscriptions",
    "WebSub subscriptions by state (requested, active, expired, denied, failed).",
    ["state"],
)
WEBSUB_DELIVERIES = Counter(
    "pantau_websub_deliveries_total",
    "Content pushed to the WebSub callback by outcome (accepted, forged, unknown, unreadable, error).",
    ["outcome"],
)
WEBSUB_REQUESTS = Counter(
    "pantau_websub_requests_total",
    "Subscribe and unsubscribe requests sent to hubs, by mode and result (accepted, failed).",
    ["mode", "result"],
)
WEBSUB_QUIET = Counter(
    "pantau_websub_quiet_hubs_total", "Times a poll found articles a subscribed hub had not pushed (polling took over)."
)

# streams: classify
ARTICLES_INGESTED = Counter("pantau_classify_articles_ingested_total", "Articles taken in by the classifier.")
CLASSIFY_DURATION = Histogram(
    "pantau_classify_duration_seconds",
    "Time to classify one article.",
    buckets=(0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5),
)
MATCHES = Counter("pantau_classify_matches_total", "Rule matches by topic and rule.", ["topic", "rule"])
CLASSIFY_CPU = Counter(
    "pantau_classify_cpu_seconds_total",
    "CPU time a worker's classifier spent decoding and classifying articles (rules, judge, story marks): "
    "against process_cpu_seconds_total, what the rest of the worker (delivery, Kafka, Faust) costs.",
)
CLASSIFY_LAG = Gauge("pantau_classify_lag_seconds", "Age of the last classified article since it was fetched.")
RULES_RELOADS = Counter("pantau_rules_reload_total", "Rule set reloads by result (ok, error).", ["result"])
RULES_INFO = Info("pantau_rules", "The active rule set.")
# Labelled so that only processes that watch rules export it (a bare gauge would read 0 in `pantau sources`).
RULES_RELOAD_OK = Gauge(
    "pantau_rules_last_reload_successful",
    "1 when the rules on disk are the rule set in force, 0 while an edit is refused (the last good set keeps running).",
    ["directory"],
)
RULES_ACTIVE = Gauge("pantau_rules_active", "Enabled rules in the active rule set.")

# streams: stories
STORY_DUPLICATES = Counter(
    "pantau_stories_duplicates_total", "Articles recognised as another outlet's copy of a known story."
)

# streams: deliver
ALERTS = Counter(
    "pantau_alerts_total",
    "Alert delivery attempts by destination and outcome (sent, failed, retried, dead_lettered, silenced).",
    ["destination", "outcome"],
)
DELIVERY_LATENCY = Histogram(
    "pantau_alerts_delivery_latency_seconds",
    "Seconds from the article's fetch to the destination accepting the alert.",
    ["destination"],
    buckets=_LATENCY,
)
OUTBOX_PENDING = Gauge("pantau_alerts_pending", "Alerts waiting for delivery or retry.", ["destination"])
DEAD_LETTERS = Gauge("pantau_alerts_dead_letters", "Alerts parked after exhausting their retries.", ["destination"])
DESTINATION_UP = Gauge(
    "pantau_alerts_destination_enabled",
    "1 while the destination is enabled, 0 once disabled (410 Gone or bad configuration).",
    ["destination"],
)
INHIBITED = Counter(
    "pantau_delivery_inhibited_total",
    "Alerts not sent because an inhibit rule's source match covers their story.",
    ["destination", "route"],
)
SILENCES_ACTIVE = Gauge("pantau_alerts_silences_active", "Silences in force.")

# feedback: the desk's verdicts on alerts (signed links, the web page)
FEEDBACK = Counter(
    "pantau_feedback_total",
    "Verdicts recorded on alerts, by the topic and rule that made the alert and the verdict (relevant, not_relevant).",
    ["topic", "rule", "verdict"],
)

# distributed mode: Kafka consumers (Faust's own sensors add their faust_* series)
KAFKA_CONSUMER_LAG = Gauge(
    "pantau_kafka_consumer_lag_messages",
    "Messages the consumer group is behind the end of the topic, summed over partitions.",
    ["topic"],
)
KAFKA_BROKER_CONNECTED = Gauge(
    "pantau_kafka_broker_connected",
    "1 while this process reaches the Kafka broker (a silent ApiVersions probe every second), 0 during an outage.",
    ["bootstrap"],
)
KAFKA_OUTAGES = Counter(
    "pantau_kafka_outages_total",
    "Outages of the Kafka broker this process has lived through (counted when the broker answers again).",
    ["bootstrap"],
)
KAFKA_OUTAGE_SECONDS = Counter(
    "pantau_kafka_outage_seconds_total",
    "Seconds this process spent without an answer from the Kafka broker, over ended outages.",
    ["bootstrap"],
)
KAFKA_CLIENT_LINES_HELD = Counter(
    "pantau_kafka_client_log_lines_held_total",
    "Log lines of the Kafka client libraries held back (connection noise, lines during outages, repeats).",
)
# Replaces Faust's pantau_faust_events_runtime_ms (milliseconds, which promtool refuses);
# see pantau/adapters/faust/app.py.
FAUST_EVENT_RUNTIME = Histogram(
    "pantau_faust_events_runtime_seconds",
    "Time the worker's agents spend on one event.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# process
BUILD_INFO = Info("pantau_build", "pantau version and the mode this process runs in.")

# Known label values start at zero: increase() only counts a counter's first
# event (the first failed reload, the first dead letter) if the series existed
# before it, and the alert rules in deploy/prometheus rely on that.
_ALERT_OUTCOMES = ("sent", "failed", "retried", "dead_lettered", "silenced")
for _result in ("ok", "error"):
    RULES_RELOADS.labels(_result)


def prime_destination(name: str) -> None:
    """Create a configured destination's zero series (call once per destination at start)."""
    for outcome in _ALERT_OUTCOMES:
        ALERTS.labels(name, outcome)
    DELIVERY_LATENCY.labels(name)


# Computed last, so that it lists every constant above (a list at the top would be empty).
__all__ = [name for name in dir() if name.isupper() and not name.startswith("_")] + ["prime_destination"]

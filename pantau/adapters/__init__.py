"""Storage and transport, grouped by technology beside the Protocols they implement.

- ``sqlite``: embedded mode's one state file (seen articles, inbox, outbox, stories, silences, feed state).
- ``kafka``: clients, topic names, the group-less topic reader, the article publisher, shared feed state,
  the silences topic and dead letters.
- ``faust``: the distributed worker's app, agents, tables and sensors.
"""

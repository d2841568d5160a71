"""pantau sources: fetch -> parse -> normalise -> publish.

Feeds are polled politely (``fetch``), parsed into raw entries by the parser
adapter (``parse``), normalised into :class:`pantau.core.article.Article` records
(``normalise``) and handed to a publisher: Kafka in distributed mode, the
embedded runner's queue on one machine.
"""

__all__: list[str] = []  # import from the role modules: pantau.sources.poller, pantau.sources.fetch, ...

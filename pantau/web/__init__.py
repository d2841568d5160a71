"""The web page: editors' workbench over the archive, the rules and the alerts.

Server-rendered (Starlette + Jinja2, htmx vendored in ``static/``; no build
step). ``settings`` (the ``web:`` config section) is imported by
:mod:`pantau.config`; the rest only when the page is served: ``app.build_app`` assembles the
routes, ``server`` runs it (a thread of ``pantau run``, or ``pantau web``).
Modules: ``auth`` (users, roles, login limits), ``guard`` (login, role and
CSRF checks around every handler), ``rules_edit`` (validate, save, commit),
``tryout`` (how each topic judges a text), ``views_*`` (the pages).
"""

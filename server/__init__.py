"""The careerkg web app: SPARQL endpoint, query editor, canned queries, entity pages, export."""

from .app import close_app, create_app, describe_app

__all__ = ["create_app", "close_app", "describe_app"]

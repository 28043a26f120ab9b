"""timeline-api: dated events from news articles, served as ordered timelines."""


def create_app(config=None):
    """The application factory (see timeline_api.app); imported lazily so the
    pure core and the CLI's `resolve` do not pay for Flask."""
    from timeline_api.app import create_app as factory

    return factory(config)


__all__ = ["create_app"]

"""An accessible text-and-audio reader for news photo galleries.

`reader.create_app` is the Flask app factory (so `flask --app reader run` works). It is loaded
lazily so that the lower layers (model, importers, store, speech) can be used without Flask.
"""

__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "create_app":
        from reader.web import create_app

        return create_app
    raise AttributeError(f"module 'reader' has no attribute {name!r}")

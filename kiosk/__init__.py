"""watchparty-kiosk: a live event's stream, running order and countdown on a hall's TV."""

__version__ = "0.1.0"

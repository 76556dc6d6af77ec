"""The host's own window on the laptop screen (or a panel over the TV when there is one screen)."""

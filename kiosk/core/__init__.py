"""The pure core: programme, director, config and feeds; no Qt, no libVLC."""

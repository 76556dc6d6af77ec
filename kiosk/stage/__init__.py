"""The audience window: paints a ``kiosk.core.view.View`` and nothing else."""

from kiosk.stage.editor import MessageEditor
from kiosk.stage.window import Stage

__all__ = ["MessageEditor", "Stage"]

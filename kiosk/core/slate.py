"""What the slate under the stage says (kiosk.slate draws it): the event's title and "back in
a moment" in the hall's languages, on the theme's colours.

The slate reads the same config as the kiosk (``--config``, else the host's own event, else
the built-in one). A broken config is never a reason to show nothing: its last good copy
stands in, and without one the slate is neutral (no title, the default colours) and speaks
``--lang`` or English.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

from kiosk.core import config as config_module
from kiosk.core import lastgood, palette, paths
from kiosk.core.config import Config
from kiosk.core.errors import ConfigInvalid
from kiosk.core.i18n import N_, choose

BACK = N_("Back in a moment")
# ``watchparty-kiosk --slate [the kiosk's run arguments]``: the supervisor starts the slate so,
# with a pipe for its standard input; the slate goes when the pipe closes.
FLAG = "--slate"
# The slate's exit code when it cannot show anything here (no Qt, no display): the supervisor
# then supervises without one rather than starting it again and again.
CANNOT_RUN = 3
# The line the slate writes on its standard output once its first picture is on screen.
SHOWN = "shown"


@dataclass(frozen=True)
class SlateText:
    """The slate's words, in the order drawn, and its colours."""

    title: str  # "" on a neutral slate
    words: tuple[str, ...]  # "back in a moment" in the hall's language (and its second one)
    palette: palette.Palette
    languages: tuple[str, ...]
    screen: str = ""  # the config's venue.screen: where the stage goes by the shared rule


def config_path(given: Path | None) -> Path | None:
    """The config the kiosk runs: ``--config``, else the host's own event once there is one,
    else None (the built-in event)."""
    if given is not None:
        return given
    host = paths.host_event()
    return host if host.exists() else None


def slate_text(given: Path | None, cli_languages: tuple[str, ...] = (), *,
               state_dir: Path | None = None) -> SlateText:
    """What the slate shows for the kiosk's ``--config`` and ``--lang``."""
    path = config_path(given)
    config: Config | None = None
    if path is None:
        with contextlib.suppress(ConfigInvalid, OSError):
            config = config_module.load(paths.builtin_config())
    else:
        try:
            config = config_module.load(path, lenient=True)
        except (ConfigInvalid, OSError):
            state = state_dir if state_dir is not None else paths.state_dir()
            with contextlib.suppress(OSError):
                config = lastgood.recall(path, state)
    if config is None:
        return neutral(cli_languages)
    languages = choose(config.languages, cli_languages, config.bilingual)
    theme = config.theme
    colours, _ = palette.derive(theme.accent, theme.background, theme.text)
    said = [languages.primary]
    if languages.second is not None:
        said.append(languages.second)
    words = tuple(dict.fromkeys(lang.gettext(BACK) for lang in said))
    return SlateText(languages.primary.pick(config.event.title), words, colours,
                     languages.codes, config.venue.screen)


def neutral(cli_languages: tuple[str, ...] = ()) -> SlateText:
    """No title, the default colours, "back in a moment" in ``cli_languages`` or English."""
    languages = choose((), cli_languages)
    return SlateText("", (languages.primary.gettext(BACK),), palette.DEFAULT, languages.codes)

"""The words of the volunteers' phone remote (kiosk/remote/page/), in English.

The server puts each one, in the kiosk's language, into the page's ``{{WORDS}}``; the page
shows nothing else of its own (the scene, the programme and the buttons' names come with the
state). Keys are the page's names for them; a word in braces is filled in by the page.
Volunteers read these on a phone in a dark hall: short, plain words.
"""

from __future__ import annotations

from kiosk.core.i18n import N_

WORDS: dict[str, str] = {
    # TRANSLATORS: the phone remote's page title (the browser tab).
    "page_title": N_("Kiosk remote"),
    # ---------------------------------------------------------------- connecting a phone
    "pair_title": N_("Connect this phone"),
    "pair_hint": N_("Type the 6-digit code shown on the kiosk's computer, or scan its QR "
                    "code with the phone's camera."),
    "pair_code": N_("Code"),
    # TRANSLATORS: a field on the phone remote: the volunteer's name, so the host can see
    # whose phone is connected.
    "pair_name": N_("Your name (you can leave it empty)"),
    # TRANSLATORS: the button that connects the phone to the kiosk with the code.
    "pair_button": N_("Connect"),
    "pairing": N_("Connecting…"),
    "pair_wrong": N_("That code is not right"),
    "pair_locked": N_("Too many wrong codes"),
    # TRANSLATORS: after a wrong code; {n} is a number.
    "tries_left": N_("Tries left: {n}"),
    # TRANSLATORS: after too many wrong codes; {seconds} is a number of seconds.
    "retry_after": N_("Try again in {seconds} s"),
    "revoked": N_("The host has disconnected this phone. Type a new code to connect it "
                  "again."),
    # TRANSLATORS: a small line on the phone remote while it has lost the kiosk for a
    # moment and tries again.
    "reconnecting": N_("Reconnecting…"),
    "no_connection": N_("No connection to the kiosk"),
    "failed": N_("That did not work. Try again."),
    # TRANSLATORS: a link at the bottom of the phone remote: disconnect this phone.
    "forget": N_("Forget this phone"),
    "forget_confirm": N_("Disconnect this phone from the kiosk?"),
    "watch_only": N_("This screen only watches"),
    # ---------------------------------------------------------------- what the hall sees
    "no_picture": N_("No picture yet"),
    # TRANSLATORS: the live stream's state, e.g. "Stream: playing".
    "stream": N_("Stream: {state}"),
    # TRANSLATORS: the kiosk follows the programme by itself.
    "mode_automatic": N_("Automatic"),
    # TRANSLATORS: a volunteer has chosen what the TV shows (until the next item).
    "mode_manual": N_("Manual"),
    # TRANSLATORS: the TV is black because a volunteer asked for it.
    "mode_blackout": N_("Black screen"),
    # TRANSLATORS: the programme item on now.
    "now": N_("Now"),
    # TRANSLATORS: the programme item that comes next.
    "next": N_("Next"),
    # TRANSLATORS: when the item on now ends; {time} is a time of day, e.g. 19:30.
    "until": N_("until {time}"),
    # TRANSLATORS: when the next item starts; {time} is a time of day, e.g. 19:30.
    "at": N_("at {time}"),
    # TRANSLATORS: before the time left until the next item, e.g. "Starts in 12:34".
    "starts_in": N_("Starts in"),
    "nothing": N_("Nothing more in the programme"),
    "on_time": N_("On time"),
    # TRANSLATORS: the programme runs late; {minutes} is a number of minutes.
    "delay": N_("Running late: {minutes} min"),
    # TRANSLATORS: the sound's volume; {volume} is a percentage without the % sign.
    "volume": N_("Volume {volume}%"),
    "muted": N_("Sound off"),
    # TRANSLATORS: on the Reveal button: how many award laureates are still hidden.
    "reveal_left": N_("{n} hidden"),
    # ---------------------------------------------------------------- the buttons
    "group_scene": N_("What the hall sees"),
    "group_slides": N_("Slides"),
    "group_awards": N_("Awards"),
    "group_timing": N_("Running late"),
    "group_sound": N_("Sound"),
    "group_other": N_("For the host"),
    # TRANSLATORS: the black-screen button asks for a second tap, so that no one blacks
    # out the TV by mistake.
    "blackout_confirm": N_("Tap again to make the TV black"),
    "blackout_end": N_("Bring the picture back"),
    # ---------------------------------------------------------------- a message
    "message_title": N_("A message for the hall"),
    "message_placeholder": N_("Type a short message…"),
    "message_show": N_("Show on the TV"),
    "message_clear": N_("Take it down"),
    # TRANSLATORS: before the message the TV shows now.
    "message_now": N_("On the TV now:"),
    "message_none": N_("No message on the TV"),
}

"""Password policy (NIST SP 800-63B): 8 to 256 characters, no composition rules,
common passwords refused (zxcvbn's list of 30,000)."""
from __future__ import annotations

from functools import lru_cache

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

MIN_LENGTH = 8
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # heavy library: imported on first use, not at start-up
    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problem(password: str, email: str = "") -> str | None:
    """A message saying why ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return ngettext("The password must be at least %(num)s character long.",
                        "The password must be at least %(num)s characters long.", MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return ngettext("The password must be at most %(num)s character long.",
                        "The password must be at most %(num)s characters long.", MAX_LENGTH)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) < 3:
        return str(_l("This password is too common. Please choose another one."))
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        return str(_l("The password must not be your email address."))
    return None

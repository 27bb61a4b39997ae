"""The objects that hold photos and documents, as the features describe them.

The core names no feature: a feature lists its ``AttachmentOwner`` objects in its ``Feature``
(``attachment_owners``), and a feature that publishes things (the citizen budget) says which
attachments the public may see (``published_attachments``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from budget_app.features import installed, resolve


@dataclass(frozen=True)
class AttachmentOwner:
    """An object type that holds attachments (``object_type`` is what ``Attachment`` records)."""
    object_type: str
    load: Callable  # (object_id) -> the object, or None
    can_view: Callable  # (obj, user) -> bool: who sees its attachments before they are public
    can_attach: Callable  # (obj, user) -> bool: who adds and deletes them
    kinds: tuple[str, ...] = ("photo", "document")  # what it accepts


def owner(object_type: str) -> AttachmentOwner:
    for feature in installed():
        for spec in feature.attachment_owners:
            found = resolve(spec)
            if found.object_type == object_type:
                return found
    raise KeyError(object_type)


def published_ids(attachments: list) -> set[int]:
    """The ids among ``attachments`` that some feature has published."""
    ids: set[int] = set()
    for feature in installed():
        if feature.published_attachments and attachments:
            ids |= set(resolve(feature.published_attachments)(attachments))
    return ids

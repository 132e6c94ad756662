"""Transfer receipts, kept as every resident's photo is (:mod:`community.core.photos`:
checked by content, re-encoded without EXIF, stored 0600 under a random name) in the
arisan's own folder; served only after :func:`policies.may_see_receipt`."""

from __future__ import annotations

from community.core.photos import PhotoFolder

RECEIPTS = PhotoFolder("ARISAN_RECEIPT_FOLDER")

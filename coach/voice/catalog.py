"""Speech models the coach knows by a short name: where to get them and how to check them.

URLs come from the Vosk models page (https://alphacephei.com/vosk/models). Their SHA-256
digests are not published there, so `sha256` is None until someone pins a digest they have
checked; `coach.voice.models.download` explains what happens then (see its checksum policy).
"""

from __future__ import annotations

from dataclasses import dataclass

VOSK_MODELS = "https://alphacephei.com/vosk/models"


@dataclass(frozen=True)
class CatalogEntry:
    """A model that can be downloaded by its short name."""

    url: str
    sha256: str | None
    """Hex SHA-256 of the archive, or None when no digest has been checked and pinned."""
    size_bytes: int
    """Approximate archive size, in bytes, as listed on the models page."""
    language: str
    """BCP 47 tag of the language the model recognises, such as "en-US"."""
    engine: str = "vosk"


CATALOG: dict[str, CatalogEntry] = {
    "small-en-us": CatalogEntry(
        url=f"{VOSK_MODELS}/vosk-model-small-en-us-0.15.zip",
        sha256=None,
        size_bytes=40_000_000,
        language="en-US",
    ),
    "en-us-lgraph": CatalogEntry(
        url=f"{VOSK_MODELS}/vosk-model-en-us-0.22-lgraph.zip",
        sha256=None,
        size_bytes=128_000_000,
        language="en-US",
    ),
    "small-fr": CatalogEntry(
        url=f"{VOSK_MODELS}/vosk-model-small-fr-0.22.zip",
        sha256=None,
        size_bytes=41_000_000,
        language="fr-FR",
    ),
    "small-de": CatalogEntry(
        url=f"{VOSK_MODELS}/vosk-model-small-de-0.15.zip",
        sha256=None,
        size_bytes=45_000_000,
        language="de-DE",
    ),
    "small-es": CatalogEntry(
        url=f"{VOSK_MODELS}/vosk-model-small-es-0.42.zip",
        sha256=None,
        size_bytes=39_000_000,
        language="es-ES",
    ),
}

"""Optional passphrase protection of what the person said, with the `cryptography` library.

The key is derived from the passphrase with scrypt and never stored; the journal keeps only
the salt and a sealed check value, so a wrong passphrase is told apart from a damaged file.
"""

from __future__ import annotations

import base64
import os
import unicodedata

CHECK = "coach journal"
SCRYPT_N = 2**15
"""scrypt's cost: about 32 MiB and a tenth of a second on a laptop, under a second on a Pi."""


class WrongPassphrase(Exception):
    """The passphrase does not open this journal."""


class Sealer:
    """Seals and opens text with a key derived from a passphrase."""

    def __init__(self, passphrase: str, salt: bytes, as_typed: bool = False) -> None:
        """The passphrase is read in Unicode's NFC form, so an accent typed as part of its letter
        or after it makes no difference (`as_typed` opens journals sealed before that rule)."""
        from cryptography.fernet import Fernet
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        if not as_typed:
            passphrase = unicodedata.normalize("NFC", passphrase)
        self.salt = salt
        kdf = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=8, p=1)
        key = kdf.derive(passphrase.encode("utf-8"))
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    @staticmethod
    def new_salt() -> bytes:
        return os.urandom(16)

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, token: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as error:
            raise WrongPassphrase from error

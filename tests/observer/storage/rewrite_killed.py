"""``python -m tests.observer.storage.rewrite_killed STEP CHANGE PATH``: rewrite a database
(encrypt, decrypt or rekey) in a process that kills itself (SIGKILL) at the named step."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from observer.storage import encryption
from observer.storage.cipher import Passphrase

OLD, NEW = Passphrase("the old passphrase"), Passphrase("the new passphrase")


def main(step: str, change: str, path: Path) -> None:
    def stop_at(name: str) -> None:
        if name == step:
            os.kill(os.getpid(), signal.SIGKILL)

    encryption._step = stop_at
    if change == "encrypt":
        encryption.encrypt(path, OLD)
    elif change == "decrypt":
        encryption.decrypt(path, OLD)
    else:
        encryption.rekey(path, OLD, NEW)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], Path(sys.argv[3]))

"""Reading a file safely: regular files only (no link, pipe or device), and never too much."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from drafting_app.files.messages import french_os_error

#: what a clause, a skeleton, a sample or a legal data file may weigh (they are a few kB)
MAX_LIBRARY_FILE_BYTES = 4 * 1024 * 1024
#: what a dossier file may weigh (a large one is well under 1 MB)
MAX_DOSSIER_BYTES = 16 * 1024 * 1024

_MB = 1024 * 1024


class FileRefused(Exception):
    """A file that is not read: what is wrong with it, in French (the path is not included)."""

    def __init__(self, path: Path, reason: str, missing: bool = False,
                 not_utf8: bool = False) -> None:
        super().__init__(reason)
        self.path = path
        self.reason = reason
        self.missing = missing
        self.not_utf8 = not_utf8


def _size(count: int) -> str:
    if count >= _MB:
        return f"{count / _MB:.1f} Mo".replace(".", ",")
    return f"{max(1, count // 1024)} ko"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "un dossier"
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    if stat.S_ISSOCK(mode):
        return "une prise réseau (socket)"
    return "un fichier spécial"


def read_limited_bytes(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; FileRefused otherwise.

    A symbolic link is refused (a clause folder cannot pull another file into a document);
    so are a folder, a FIFO (opened without waiting for a writer), a device (/dev/zero) and
    a file larger than `limit`, checked before and while reading.
    """
    if path.is_symlink():
        raise FileRefused(path, "ce fichier est un lien symbolique, que Clausier ne suit pas : "
                          "remplacez le lien par une copie du fichier lui-même")
    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileRefused(path, "fichier introuvable", missing=True) from None
    except IsADirectoryError:
        raise FileRefused(path, "c’est un dossier, pas un fichier : indiquez le fichier "
                          "lui-même") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise FileRefused(path, "ce fichier est un lien symbolique, que Clausier ne suit "
                              "pas : remplacez le lien par une copie du fichier lui-même"
                              ) from None
        raise FileRefused(path, f"lecture impossible ({french_os_error(exc)})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(path, f"c’est {_kind(info.st_mode)}, pas un fichier ordinaire : "
                              "indiquez un vrai fichier")
        if info.st_size > limit:
            raise FileRefused(path, _too_large(info.st_size, limit))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileRefused(path, _too_large(total, limit))
        return b"".join(chunks)
    except OSError as exc:
        raise FileRefused(path, f"lecture impossible ({french_os_error(exc)})") from None
    finally:
        os.close(fd)


def _too_large(size: int, limit: int) -> str:
    return (f"fichier trop volumineux ({_size(size)} ; au plus {_size(limit)}) : est-ce bien "
            "le bon fichier ?")


def read_limited_text(path: Path, limit: int) -> str:
    """A UTF-8 text file read with `read_limited_bytes`; FileRefused when it is not UTF-8."""
    data = read_limited_bytes(path, limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileRefused(path, f"le fichier n’est pas du texte UTF-8 (octet {exc.start + 1}) : "
                          "enregistrez-le en UTF-8", not_utf8=True) from None

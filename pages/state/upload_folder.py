"""Where the app keeps uploads, and for how long: a private folder per server process, a
folder per browser session inside it, removed when the session ends, all removed when the
server stops.

``UPLOAD_ROOT`` is made fresh when the app starts (``tempfile.mkdtemp``, mode 0700, a name
nobody can guess) and checked before every use (:func:`atlas.load.uploads.check_private_folder`:
a link, another owner or a mode open to others is refused). Each session gets its own folder
in it, held by a :class:`SessionUploads` in the session's state: when Streamlit ends the session
(its tab closed, the reconnect window over), the state and the holder go, and a
``weakref.finalize`` removes the folder; the root goes at exit (``atexit``, in the server's
own process, which ``atlas serve`` becomes). Uploads of one session are never in another's
folder, so neither are the caches keyed by their paths.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import weakref
from pathlib import Path

from atlas.load.uploads import check_private_folder, private_folder
from pages.state import session

__all__ = ["UPLOAD_ROOT", "SessionUploads", "remove_root", "session_folder"]

#: This server process's upload folder (private, made fresh when the app starts).
UPLOAD_ROOT = private_folder(prefix="atlas-uploads-")


def remove_root(root: Path = UPLOAD_ROOT) -> None:
    """Remove the server's upload folder and everything in it (at exit); links inside are
    removed, never followed."""
    shutil.rmtree(root, ignore_errors=True)


atexit.register(remove_root)


class SessionUploads:
    """One session's upload folder: made private in ``root``, removed when this holder is
    dropped (its session ended), closed (:meth:`close`) or the process exits."""

    def __init__(self, root: Path = UPLOAD_ROOT) -> None:
        # Made again, under the same name, if a cleaner of old temporary files took it (if
        # someone else made it first, the check refuses it).
        with contextlib.suppress(FileExistsError):
            root.mkdir(mode=0o700)
        check_private_folder(root)
        self.path = private_folder(prefix="session-", parent=root)
        self._remove = weakref.finalize(self, shutil.rmtree, self.path, ignore_errors=True)

    @property
    def open(self) -> bool:
        """Whether the folder is still there to use."""
        return self._remove.alive and self.path.is_dir()

    def close(self) -> None:
        """Remove the folder and its files now."""
        self._remove()


def session_folder() -> Path:
    """This session's upload folder (made on its first upload), checked private.

    Raises
    ------
    atlas.DataFileError
        The server's or the session's folder was changed by someone else (a link, another
        owner, a mode open to others).
    """
    holder = session.uploads_holder(SessionUploads)
    if holder is None or not holder.open:
        holder = SessionUploads()
        session.keep_uploads_holder(holder)
    check_private_folder(UPLOAD_ROOT)
    check_private_folder(holder.path)
    return holder.path

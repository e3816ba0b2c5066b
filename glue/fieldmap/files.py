"""Writing a set of files into a directory: all of them or none.

Every file is first written into a staging directory inside the target
(same file system), so a full disk or a permission problem shows before
anything in the target changes; then each file is moved into place with an
atomic rename, so a reader never sees a half-written file. File-system
errors become one line naming the path."""

from __future__ import annotations

import errno
import filecmp
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError


def fs_error(exc: OSError, path: Path | str) -> InputError:
    """One line for a file-system error, naming the path."""
    reason = {errno.EACCES: "permission denied", errno.EPERM: "permission denied", errno.ENOSPC: "no space left",
              errno.EROFS: "read-only file system", errno.ENOTDIR: "a path component is not a directory",
              errno.EEXIST: "exists and is not a directory"}.get(exc.errno or 0, exc.strerror or str(exc))
    where = str(exc.filename or path)
    if exc.errno == errno.ENOENT and os.path.isdir(where):  # /proc, /sys: the directory stands but takes no files
        reason = "this directory takes no new files"
    return InputError(f"cannot write: {reason}", where=where)


@dataclass
class StagedFiles:
    """Files written into a staging directory, not yet in place."""

    target: Path
    staging: Path
    names: list[str]
    retired: list[str] = field(default_factory=list)  # files of the target that go once the rest is in place
    made: list[Path] = field(default_factory=list)  # directories staging created (the target first): gone if left empty

    def publish(self) -> list[Path]:
        """Move every staged file into the target (atomic per file), then
        remove the retired ones."""
        placed = []
        try:
            _check_targets(self.target, self.names)  # again: something may have appeared meanwhile
            for name in self.names:
                try:
                    os.replace(self.staging / name, self.target / name)
                except OSError as exc:
                    exc.filename = str(self.target / name)  # name the file the user knows, not the staging copy
                    raise
                placed.append(self.target / name)
            for name in self.retired:
                try:
                    (self.target / name).unlink()
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    exc.filename = str(self.target / name)
                    raise
        except OSError as exc:
            raise fs_error(exc, self.target) from None
        finally:
            self.discard()
        return placed

    def changed(self) -> list[str]:
        """The names whose staged text is not what the target holds now
        (an unchanged re-import rewrites no mirror file in substance)."""
        return [name for name in self.names if not _same_text(self.staging / name, self.target / name)]

    def removing(self) -> list[str]:
        """The retired names the target still holds: publishing removes them."""
        return [name for name in self.retired if (self.target / name).exists()]

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        _remove_if_empty(self.made)  # a dry run (or a failed write) leaves no new empty directory behind


def _same_text(staged: Path, current: Path) -> bool:
    try:
        return current.is_file() and filecmp.cmp(staged, current, shallow=False)
    except OSError:  # unreadable: it is replaced all the same
        return False


def is_plain_file_name(name: str) -> bool:
    """A name that stays in its directory: no path, no '.' or '..'."""
    return bool(name) and name not in (".", "..") and Path(name).name == name and "\\" not in name


def _check_targets(target: Path, names: list[str]) -> None:
    """Every file can be replaced: none of the names is a directory or a
    device, and each is a plain name in target (the database refuses
    connector names that are paths; a file is never written outside its
    directory all the same)."""
    for name in names:
        if not is_plain_file_name(name):
            raise InputError(f"{name!r} is not a plain file name; nothing was written", where=str(target))
        path = target / name
        if path.exists() and not path.is_file():
            raise InputError("is not a regular file, so it cannot be replaced; nothing was written", where=str(path))


def _remove_if_empty(made: list[Path]) -> None:
    """Directories made for staging, deepest first, while they are empty
    (published files keep theirs)."""
    for directory in made:
        try:
            directory.rmdir()
        except OSError:
            return


def stage_files(target: Path, files: dict[str, str], retire: list[str] = ()) -> StagedFiles:
    """Write every file (name -> text) into a staging directory inside
    target; `retire` names files of the target to remove on publishing."""
    if str(target) == "":
        raise InputError("no directory given")
    if target.exists() and not target.is_dir():
        raise InputError("is a file, not a directory", where=str(target))
    _check_targets(target, list(files))
    staging, writing = None, None
    made = [d for d in (target, *target.parents) if not d.exists()]
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".fieldmap-staging-", dir=target))
        for writing, text in files.items():
            with open(staging / writing, "w", encoding="utf-8") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(made)
        if staging is not None or str(exc.filename or "").startswith(str(target / ".fieldmap-staging-")):
            # name what the user asked for, not the staging directory or its copy
            exc.filename = str(target / writing) if writing is not None else str(target)
        raise fs_error(exc, target) from None
    return StagedFiles(target, staging, list(files), [name for name in retire if name not in files], made)

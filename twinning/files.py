"""Writing files so that a reader never sees half of one: what replaces a file or a folder is written
beside it first, then renamed over it, and a failure leaves the old one as it was. A build writes
into a folder of its own, swapped in whole (`replace_folder`), so its files are written plainly."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# The names tempfile.mkdtemp gives a build's staging folder, and the previous folder a swap removes.
STAGING_NAME = r"\.{name}-([a-z0-9_]{{8}}|previous)"


class Busy(Exception):
    """Another process holds the lock."""


@contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on a file that stays (removing it would let two processes lock two files of one
    name); the system releases it when the process ends, even killed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Busy(str(path)) from None
        yield


def staging_folder(target: Path) -> Path:
    """A new folder beside the target to write its replacement into. Under the target's lock, any other
    staging folder beside it is what a killed build left, and is removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    leftover = re.compile(STAGING_NAME.format(name=re.escape(target.name)))
    for path in target.parent.iterdir():
        if leftover.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write beside the target under a name of its own (forked workers may write the same target at
    once), then rename: the rename replaces the file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def replace_folder(new: Path, target: Path) -> None:
    """Put a folder written beside the target in its place; the previous one is removed once the new
    one is there."""
    previous = target.with_name(f".{target.name}-previous")
    if previous.exists():
        shutil.rmtree(previous)
    if target.exists():
        target.rename(previous)
    new.rename(target)
    shutil.rmtree(previous, ignore_errors=True)


def write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_new(str(path), content.encode("utf-8") if isinstance(content, str) else content)


def write_new(path: str, content: bytes) -> None:
    """A file in a folder that exists, in three system calls: Python's open() adds three more (fstat,
    ioctl, lseek), which count when a build writes four small files per page."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        unwritten = memoryview(content)
        while unwritten:
            unwritten = unwritten[os.write(descriptor, unwritten):]
    except OSError as error:  # os.write's error (a full disk) names no file: the curator needs to know where
        raise OSError(error.errno, error.strerror, path) from None
    finally:
        os.close(descriptor)

"""The artifact folder: content version, provenance, and an atomic publish.

The version is a hash of what the classifier reads (the config without its
``version`` and ``provenance`` fields, ``vocab.json`` and the arrays of every
``.npz``), so the same weights and settings always carry the same version.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

from analyzer.core.settings import CHECKOUT_DIR

LIBRARIES = ("numpy", "scikit-learn", "torch", "transformers", "spacy")
UNVERSIONED = ("version", "provenance")


def content_hash(directory: Path) -> str:
    """sha256 over the artifact's content, independent of file timestamps and of its version."""
    directory = Path(directory)
    h = hashlib.sha256()
    config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
    for key in UNVERSIONED:
        config.pop(key, None)
    h.update(b"config.json\0" + json.dumps(config, sort_keys=True).encode())
    for path in sorted(directory.iterdir()):
        if path.name == "config.json" or not path.is_file():
            continue
        h.update(path.name.encode() + b"\0")
        if path.suffix == ".npz":
            with np.load(path) as z:
                for name in sorted(z.files):
                    a = np.ascontiguousarray(z[name])
                    h.update(f"{name}|{a.dtype.str}|{a.shape}".encode() + b"\0" + a.tobytes())
        else:
            h.update(path.read_bytes())
    return h.hexdigest()


def library_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def git_commit() -> str | None:
    """``git rev-parse HEAD`` of the checkout holding the package, or None."""
    root = CHECKOUT_DIR
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], check=False, cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if out.returncode == 0 and len(commit) == 40 else None


def staging(output: Path) -> Path:
    """A new empty folder beside ``output`` to assemble the artifact in."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp"))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o777 & ~umask)  # mkdtemp makes it private; the artifact is read by others
    return path


def finalize(directory: Path, data: dict) -> str:
    """Write the version and provenance into ``directory/config.json``; return the version."""
    path = Path(directory) / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    prefix = "tfidf-minilm-" if config.get("encoder") else "tfidf-linear-"
    config["version"] = None
    digest = content_hash(directory)
    config["version"] = prefix + digest[:12]
    config["provenance"] = {
        "content_sha256": digest,
        "libraries": library_versions(),
        "training_data_sha256": data,
        "git_commit": git_commit(),
    }
    path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    return config["version"]


def publish(staged: Path, output: Path) -> None:
    """Move the complete ``staged`` folder to ``output``.

    A new output is one ``os.replace``. An existing one is first renamed aside, the new one
    renamed into place, then the old one removed: a reader finds the old artifact or the new
    one whole, never a mix of their files (between the two renames, none).
    """
    staged, output = Path(staged), Path(output)
    if not output.exists():
        os.replace(staged, output)
        return
    old = Path(tempfile.mkdtemp(dir=output.parent, prefix=f".{output.name}.", suffix=".old"))
    os.rmdir(old)
    os.replace(output, old)
    try:
        os.replace(staged, output)
    except BaseException:
        os.replace(old, output)
        raise
    shutil.rmtree(old, ignore_errors=True)


def copy_into(source: Path, staged: Path) -> None:
    """Copy the files of an existing artifact into the staging folder."""
    for path in Path(source).iterdir():
        if path.is_file():
            shutil.copy2(path, Path(staged) / path.name)

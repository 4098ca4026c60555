"""npm packages the benchmarks run with node, installed once into bench/.cache/.

Each lives in ``bench/<name>/package.json``, which pins its version; it is installed
into ``bench/.cache/<name>/`` (gitignored) the first time, and reused after.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def pinned_version(folder: str, package: str) -> str:
    """The version of ``package`` pinned in ``bench/<folder>/package.json``."""
    return json.loads((BENCH / folder / "package.json").read_text())["dependencies"][package]


def ensure_package(folder: str, package: str) -> Path:
    """Install the pinned ``package`` into bench/.cache/<folder>/ unless it is there;
    return that folder."""
    cache = BENCH / ".cache" / folder
    version = pinned_version(folder, package)
    installed = cache / "node_modules" / package / "package.json"
    if installed.exists() and json.loads(installed.read_text()).get("version") == version:
        return cache
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"npm is needed to install {package} (and node to run it).")
    print(f"Installing {package} {version} into {cache.relative_to(BENCH.parent)} …", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                    "--loglevel=error", f"{package}@{version}"], check=True)
    return cache

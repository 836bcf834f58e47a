"""The console script, run as a subprocess on real and corrupted inputs."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from forensics import datasets

ENV = {**os.environ, "MPLBACKEND": "Agg", "FORENSICS_OFFLINE": "1"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "forensics.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=ENV,
        timeout=600,
    )


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory, mirror):
    """Three Venezuelan states' actas (V1) as a plain CSV with the source's own names."""
    e = datasets.load("venezuela-2024-v1")
    st = e.stations[e.stations["state"].isin(["Cojedes", "Yaracuy", "Portuguesa"])]
    df = st.rename(columns={"registered": "RE", "invalid": "NULOS", "valid": "VALIDOS"})
    df = df[["station", "state", "RE", "VALIDOS", "NULOS", *e.candidates]]
    path = tmp_path_factory.mktemp("cli") / "actas.csv"
    df.to_csv(path, index=False, encoding="cp1252")
    return path, len(df)


MAPPING = [
    "--station", "station", "--registered", "RE", "--valid", "VALIDOS", "--invalid",
    "NULOS", "--candidates", "Gonzalez,Maduro,Martinez,Bertucci,Brito,Ecarri,Fermin,"
    "Ceballos,Marquez,Rausseo", "--leader", "Maduro", "--level", "state",
]  # fmt: skip


def test_datasets_lists_every_registered_name(tmp_path):
    proc = run("datasets", cwd=tmp_path)
    assert proc.returncode == 0
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert names == sorted(datasets.available())


def test_fetch_verifies_checksums(tmp_path, mirror):
    proc = run("fetch", "venezuela-2024", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": ok (sha256") == 2


def test_run_on_a_csv_writes_table_and_figures(tmp_path, small_csv):
    path, n = small_csv
    proc = run("run", str(path), *MAPPING, "--by", "state", "--out", "out", "--format",
               "json", cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    rows = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    assert {r["level"] for r in rows} == {"national", "state"}
    assert {r["group"] for r in rows if r["level"] == "state"} == {
        "Cojedes", "Yaracuy", "Portuguesa",
    }  # fmt: skip
    assert all(0 <= r["p_bh"] <= 1 for r in rows if r["p_bh"] is not None)
    figures = sorted(p.name for p in (tmp_path / "out" / "figures").iterdir())
    assert figures == ["fingerprint.svg", "integer_percentages.svg", "second_digits.svg"]
    assert f"{n:,} stations kept, 0 set aside" in proc.stdout
    # the summary counts signatures among calibrated tests only, and says so
    family = [r for r in rows if r["calibration"] in ("calibrated", "conservative")]
    flagged = sum(r["p_bh"] is not None and r["p_bh"] < 0.05 for r in rows)
    assert all(r["p_bh"] is None for r in rows if r not in family)
    assert (
        f"{len(rows)} test rows: {sum(r['pvalue'] is not None for r in family)} from tests "
        f"calibrated on clean elections, {flagged} of them with a signature"
    ) in proc.stdout
    assert "reported as descriptive statistics only" in proc.stdout


@pytest.mark.parametrize("fmt", ["md", "csv", "tex", "html"])
def test_formats(tmp_path, small_csv, fmt):
    path, _ = small_csv
    proc = run("run", str(path), *MAPPING, "--out", "o", "--format", fmt, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "o" / f"results.{fmt}").read_text(encoding="utf-8")
    assert "integer_percentages" in text.replace("\\_", "_")


def test_corrupted_rows_are_set_aside_and_written(tmp_path, small_csv):
    path, n = small_csv
    rows = list(csv.reader(path.read_text(encoding="cp1252").splitlines()))
    rows[5][2] = "n/a"  # RE of data line 5 (file line 6)
    rows[9][5] = "-3"  # Gonzalez of file line 10
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="cp1252")
    proc = run("run", str(bad), *MAPPING, "--out", "o", "--set-aside", "aside.csv",
               cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with open(tmp_path / "aside.csv", encoding="utf-8") as fh:
        aside = list(csv.DictReader(fh))
    assert [int(r["line"]) for r in aside] == [6, 10]
    assert "non-numeric value in column 'RE'" in aside[0]["reason"]
    assert "negative count in column 'Gonzalez'" in aside[1]["reason"]
    assert f"{n - 2:,} stations kept, 2 set aside" in proc.stdout


def test_data_error_exits_3_without_traceback(tmp_path, small_csv):
    path, _ = small_csv
    text = path.read_text(encoding="cp1252").replace("VALIDOS", "VOTOS", 1)
    bad = tmp_path / "renamed.csv"
    bad.write_text(text, encoding="cp1252")
    proc = run("run", str(bad), *MAPPING, "--out", "o", cwd=tmp_path)
    assert proc.returncode == 3
    assert "data error: missing required column(s) ['VALIDOS']" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_usage_errors_exit_2(tmp_path, small_csv):
    path, _ = small_csv
    assert run("run", "no-such-thing", cwd=tmp_path).returncode == 2
    no_candidates = run("run", str(path), "--out", "o", cwd=tmp_path)
    assert no_candidates.returncode == 2
    assert "--candidates" in no_candidates.stderr
    assert run("frobnicate", cwd=tmp_path).returncode == 2
    bad_level = run("run", str(path), *MAPPING, "--by", "parish", cwd=tmp_path)
    assert bad_level.returncode == 2


def test_toml_mapping(tmp_path, small_csv):
    path, _ = small_csv
    (tmp_path / "map.toml").write_text(
        '[columns]\nstation = "station"\nregistered = "RE"\nvalid = "VALIDOS"\n'
        'invalid = "NULOS"\nleader = "Maduro"\nlevels = ["state"]\n'
        'candidates = ["Gonzalez", "Maduro", "Martinez", "Bertucci", "Brito", "Ecarri", '
        '"Fermin", "Ceballos", "Marquez", "Rausseo"]\n',
        encoding="utf-8",
    )
    proc = run("run", str(path), "--config", "map.toml", "--out", "o", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_data(self, data):
        self.text.append(data)


def test_report_is_self_contained_html(tmp_path, small_csv):
    path, _ = small_csv
    proc = run("report", str(path), *MAPPING, "--out", "rep", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8")
    parser = _Collector()
    parser.feed(page)
    assert parser.tags.count("svg") == 3  # the figures are inlined
    assert {"data", "summary", "results", "figures", "methods"} <= set(parser.ids)
    assert "src=" not in page  # nothing to fetch
    text = " ".join(parser.text)
    assert "Kobak" in text  # method citations are listed
    assert "stations kept" in text  # data provenance
    assert "reject clean elections too often (miscalibrated)" in text
    assert "descriptive only (miscalibrated: size" in text

import gzip

import pandas as pd
import pytest

from training.data import data_files, read_table
from training.layout import TrainingError

CSV = "AGE,CITY,OWNS_HOME\n42,Austin,TRUE\n7,Boston,FALSE\n"


def write(path, content: bytes):
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("plain.csv", CSV.encode()),
        ("bom.csv", b"\xef\xbb\xbf" + CSV.encode()),
        ("crlf.csv", CSV.replace("\n", "\r\n").encode()),
        ("packed.csv.gz", gzip.compress(CSV.encode())),
    ],
)
def test_csv_forms_read_the_same(name, content, tmp_path):
    table = read_table([write(tmp_path / name, content)])
    assert list(table.columns) == ["AGE", "CITY", "OWNS_HOME"]
    assert table["AGE"].tolist() == [42, 7] and table["OWNS_HOME"].tolist() == [True, False]


def test_many_files_stack_in_name_order(tmp_path):
    write(tmp_path / "b.csv", b"AGE,CITY,OWNS_HOME\n2,B,TRUE\n")
    write(tmp_path / "a.csv", b"AGE,CITY,OWNS_HOME\n1,A,FALSE\n")
    write(tmp_path / "model.pickle", b"not data")
    assert [p.name for p in data_files(tmp_path)] == ["a.csv", "b.csv"]
    assert read_table(data_files(tmp_path))["AGE"].tolist() == [1, 2]


def test_without_header_columns_are_numbered(tmp_path):
    table = read_table([write(tmp_path / "x.csv", b"1,Austin,TRUE\n0,Boston,FALSE\n")])
    assert list(table.columns) == ["0", "1", "2"]
    assert table["0"].tolist() == [1, 0]


@pytest.mark.parametrize(("header", "rows"), [("true", 1), ("false", 2)])
def test_the_header_hyperparameter_overrides_detection(header, rows, tmp_path):
    assert len(read_table([write(tmp_path / "x.csv", b"a,b\nc,d\n")], header)) == rows


def test_parquet(tmp_path):
    pytest.importorskip("pyarrow", reason="Parquet is read only where pyarrow is installed")
    frame = pd.DataFrame({"AGE": [42, 7], "CITY": ["Austin", "Boston"]})
    frame.to_parquet(tmp_path / "x.parquet")
    assert read_table([tmp_path / "x.parquet"]).equals(frame)


def test_files_with_other_columns_are_refused(tmp_path):
    a = write(tmp_path / "a.csv", b"AGE,CITY\n1,A\n")
    b = write(tmp_path / "b.csv", b"AGE,TOWN\n1,A\n")
    with pytest.raises(TrainingError, match="b.csv has other columns than a.csv"):
        read_table([a, b])

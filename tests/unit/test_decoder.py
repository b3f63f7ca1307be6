import math

import pytest

from handler.errors import BadRequest
from handler.model.schema import Schema
from handler.wire.decoding import RequestRows, decode
from handler.wire.media_types import CSV, JSON, JSONLINES

TYPED = Schema(
    width=4, names=("AGE", "CITY", "OWNS_HOME", "CLTV"), types=("int", "str", "bool", "float")
)
WIDTH_ONLY = Schema(width=4)
UNKNOWN = Schema()
NAN = float("nan")


def rows(frame):
    """Frame values as lists, NaN replaced by a marker so rows compare with ==."""
    return [
        ["NaN" if isinstance(v, float) and math.isnan(v) else v for v in row]
        for row in frame.to_numpy(dtype=object).tolist()
    ]


@pytest.mark.parametrize(
    ("body", "content_type", "schema", "expected"),
    [
        # CSV without header, typed by the schema
        ("42,Austin,TRUE,1.5\n", CSV, TYPED, [[42, "Austin", True, 1.5]]),
        ("42,Austin,TRUE,1.5", CSV, TYPED, [[42, "Austin", True, 1.5]]),
        ("42,Austin,FALSE,2\r\n7,Boston,true,3.25\r\n", CSV, TYPED,
         [[42, "Austin", False, 2], [7, "Boston", True, 3.25]]),
        # header row recognised when it equals the feature names
        ("AGE,CITY,OWNS_HOME,CLTV\n42,Austin,True,1.5\n", CSV, TYPED, [[42, "Austin", True, 1.5]]),
        # UTF-8 BOM
        ("\ufeffAGE,CITY,OWNS_HOME,CLTV\n42,Austin,False,1.5\n", CSV, TYPED,
         [[42, "Austin", False, 1.5]]),
        ("\ufeff42,Austin,False,1.5\n", CSV, TYPED, [[42, "Austin", False, 1.5]]),
        # RFC 4180 quoting: commas, apostrophes, doubled quotes, newlines inside fields
        ('42,"Washington, D.C.",TRUE,1\n', CSV, TYPED, [[42, "Washington, D.C.", True, 1]]),
        ("42,O'Fallon,TRUE,1\n", CSV, TYPED, [[42, "O'Fallon", True, 1]]),
        ('42,"The ""Big"" Apple",TRUE,1\n', CSV, TYPED, [[42, 'The "Big" Apple', True, 1]]),
        ('42,"Line\nbreak",TRUE,1\n', CSV, TYPED, [[42, "Line\nbreak", True, 1]]),
        # empty fields are missing values, in every type, and so are pandas' NA tokens
        ("42,,,\n", CSV, TYPED, [[42, "NaN", "NaN", "NaN"]]),
        ("NA,N/A,null,NaN\n", CSV, TYPED, [["NaN", "NaN", "NaN", "NaN"]]),
        ("1,NA\n2,3.5\n", CSV, UNKNOWN, [[1, "NaN"], [2, 3.5]]),
        (",Austin,TRUE,\n", CSV, TYPED, [["NaN", "Austin", True, "NaN"]]),
        # a string column keeps digits as text
        ("42,12345,TRUE,1\n", CSV, TYPED, [[42, "12345", True, 1]]),
        # blank lines are skipped, not rows
        ("42,Austin,TRUE,1\n\n7,Boston,FALSE,2\n\n", CSV, TYPED,
         [[42, "Austin", True, 1], [7, "Boston", False, 2]]),
        # without types, each token is read on its own, whatever its neighbours
        ("42,Austin,TRUE,1.5\n7,12,FALSE,2\n", CSV, WIDTH_ONLY,
         [[42, "Austin", True, 1.5], [7, 12, False, 2]]),
        ("1,2,3,4\n", CSV, UNKNOWN, [[1, 2, 3, 4]]),
        # WML payload, fields in another order are put back in training order
        ('{"input_data":[{"fields":["CITY","AGE","CLTV","OWNS_HOME"],'
         '"values":[["Austin",42,1.5,true]]}]}', JSON, TYPED, [[42, "Austin", True, 1.5]]),
        ('{"input_data":[{"values":[[42,"Austin",true,1.5]]}]}', JSON, TYPED,
         [[42, "Austin", True, 1.5]]),
        ('{"instances":[[42,"Austin",true,1.5],[7,"Boston",false,null]]}', JSON, TYPED,
         [[42, "Austin", True, 1.5], [7, "Boston", False, "NaN"]]),
        ('{"instances":[{"CLTV":1.5,"OWNS_HOME":true,"CITY":"Austin","AGE":42}]}', JSON, TYPED,
         [[42, "Austin", True, 1.5]]),
        ('{"Input":[[42,"Austin",true,1.5]]}', JSON, TYPED, [[42, "Austin", True, 1.5]]),
        ("[[42,\"Austin\",true,1.5]]", JSON, TYPED, [[42, "Austin", True, 1.5]]),
        ('[{"AGE":42,"CITY":"Austin","OWNS_HOME":true,"CLTV":1.5}]', JSON, TYPED,
         [[42, "Austin", True, 1.5]]),
        ('[42,"Austin",true,1.5]', JSON, TYPED, [[42, "Austin", True, 1.5]]),
        # JSON values are typed by the schema: numbers as text, booleans as tokens
        ('[["42","Austin","TRUE","1.5"]]', JSON, TYPED, [[42, "Austin", True, 1.5]]),
        ('[[42,12345,false,1]]', JSON, TYPED, [[42, "12345", False, 1]]),
        # without a schema JSON values are kept as given
        ('[[42,"Austin",true,1.5]]', JSON, UNKNOWN, [[42, "Austin", True, 1.5]]),
        # JSON Lines: arrays or objects, one row per line, split on newlines only
        ('[42,"Aus\u2028tin",true,1.5]\n', JSONLINES, TYPED, [[42, "Aus\u2028tin", True, 1.5]]),
        ('[42,"Austin",true,1.5]\n[7,"Boston",false,2]\n', JSONLINES, TYPED,
         [[42, "Austin", True, 1.5], [7, "Boston", False, 2]]),
        ('{"AGE":42,"CITY":"Austin","OWNS_HOME":true,"CLTV":1.5}\n\n', JSONLINES, TYPED,
         [[42, "Austin", True, 1.5]]),
    ],
)  # fmt: skip
def test_decode(body, content_type, schema, expected):
    assert rows(decode(body.encode(), content_type, schema).frame) == expected


def test_decoded_frame_takes_the_feature_names():
    frame = decode(b"42,Austin,TRUE,1.5\n", CSV, TYPED).frame
    assert list(frame.columns) == ["AGE", "CITY", "OWNS_HOME", "CLTV"]


def test_json_fields_name_the_columns_when_the_schema_has_no_names():
    frame = decode(b'{"input_data":[{"fields":["a","b"],"values":[[1,"x"]]}]}', JSON, UNKNOWN).frame
    assert list(frame.columns) == ["a", "b"]


@pytest.mark.parametrize(
    ("body", "content_type", "schema", "message"),
    [
        ("42,Austin,TRUE\n", CSV, TYPED, r"expected 4 columns, got 3 \(row 1\)"),
        ("42,Austin,TRUE,1\n1,2,3,4,5\n", CSV, TYPED, r"expected 4 columns, got 5 \(row 2\)"),
        ("1,2\n1,2,3\n", CSV, UNKNOWN, r"expected 2 columns, got 3 \(row 2\)"),
        ("42,Austin,maybe,1\n", CSV, TYPED, r"column 'OWNS_HOME' \(row 1\): expected TRUE or FALSE"),
        ("42,Austin,TRUE,1\nold,Boston,TRUE,1\n", CSV, TYPED,
         r"column 'AGE' \(row 2\): expected a number, got 'old'"),
        ("42,Austin,TRUE,inf\n", CSV, TYPED, r"column 'CLTV' \(row 1\): expected a finite number"),
        ('42,"Austin,TRUE,1\n', CSV, TYPED, r"malformed CSV \(line 1\): unexpected end of data"),
        ('42,"Aus"tin,TRUE,1\n', CSV, TYPED, r"malformed CSV \(line 1\): ',' expected after '\"'"),
        ("", CSV, TYPED, "holds no rows"),
        ("\n\n\n", CSV, TYPED, "holds no rows"),
        ("{", JSON, TYPED, "not valid JSON"),
        ("[[42,\"Austin\",true,NaN]]", JSON, TYPED, "not valid JSON: NaN is not a JSON number"),
        ("[[42,\"Austin\",true,Infinity]]", JSON, TYPED, "Infinity is not a JSON number"),
        ('{"rows":[]}', JSON, TYPED, "needs an 'input_data', 'instances' or 'Input' key"),
        ("[]", JSON, TYPED, "non-empty list"),
        ('[[1,2,3,4],{"a":1}]', JSON, TYPED, "mixes rows"),
        ('{"input_data":[{"fields":["AGE","CITY","OWNS_HOME","ZIP"],"values":[[1,"a",true,2]]}]}',
         JSON, TYPED, "unknown field 'ZIP'"),
        ('{"input_data":[{"fields":["AGE","CITY","OWNS_HOME"],"values":[[1,"a",true]]}]}',
         JSON, TYPED, "missing field 'CLTV'"),
        ('{"input_data":[{"fields":["AGE","CITY"],"values":[[1,"a",true]]}]}',
         JSON, TYPED, r"expected 2 values as in 'fields', got 3 \(row 1\)"),
        ('[{"AGE":1,"CITY":"a","OWNS_HOME":true}]', JSON, TYPED, r"missing field 'CLTV' \(row 1\)"),
        ('[{"AGE":1,"CITY":"a","OWNS_HOME":true,"CLTV":1,"X":2}]', JSON, TYPED,
         r"unknown field 'X' \(row 1\)"),
        ('[[1,["a"],true,1]]', JSON, TYPED, r"column 'CITY' \(row 1\): expected a string"),
        ('[[true,"a",true,1]]', JSON, TYPED, r"column 'AGE' \(row 1\): expected a number"),
        ('[1,"a",true,1]\n{"AGE":1}\n', JSONLINES, TYPED, "JSON Lines mixes rows of different shapes"),
        ('{"AGE":1,"CITY":"a","OWNS_HOME":true,"CLTV":1}\n{"AGE":1}\n', JSONLINES, TYPED,
         r"missing field 'CITY' \(line 2\)"),
        ('[{"a":1,"b":2}]', JSON, UNKNOWN, "records no feature names"),
        ("42,Austin,TRUE,1_000\n", CSV, TYPED, r"column 'CLTV' \(row 1\): expected a number, got '1_000'"),
        ("[[42,\"Austin\",true,1e400]]", JSON, UNKNOWN, r"column 4 \(row 1\): expected a finite number"),
        ('[1,"a",true,1]\nnot json\n', JSONLINES, TYPED, "line 2 is not valid JSON"),
    ],
)  # fmt: skip
def test_bad_bodies_are_a_400_naming_what_is_wrong(body, content_type, schema, message):
    with pytest.raises(BadRequest, match=message) as raised:
        decode(body.encode(), content_type, schema)
    assert raised.value.status_code == 400


def test_invalid_utf8_is_a_400_naming_the_byte():
    with pytest.raises(BadRequest, match=r"not valid UTF-8 \(byte 3\)"):
        decode(b"42,\xff\xfe,TRUE,1\n", CSV, TYPED)


@pytest.mark.parametrize(
    ("body", "content_type", "expected_rows", "blank_lines"),
    [
        # a line ending the body starts no row, with or without \r\n
        ("42,Austin,TRUE,1.5\n7,Boston,FALSE,2\n", CSV, 2, ()),
        ("42,Austin,TRUE,1.5\r\n7,Boston,FALSE,2\r\n", CSV, 2, ()),
        # blank lines keep their places among the lines
        ("42,Austin,TRUE,1.5\n\n7,Boston,FALSE,2\n", CSV, 2, (1,)),
        ("\n42,Austin,TRUE,1.5\n  \n7,Boston,FALSE,2\n\n", CSV, 2, (0, 2, 4)),
        # the header row is not a line of the answer; blank lines after it shift with it
        ("AGE,CITY,OWNS_HOME,CLTV\n42,Austin,TRUE,1.5\n\n7,Boston,FALSE,2\n", CSV, 2, (1,)),
        # a quoted newline is inside a row, not between rows
        ('42,"Austin\nTX",TRUE,1.5\n\n7,"Boston\r\n\r\nMA",FALSE,2\n', CSV, 2, (1,)),
        ('[42,"Austin",true,1.5]\n\n[7,"Boston",false,2]\n', JSONLINES, 2, (1,)),
        ('[42,"Austin",true,1.5]\r\n \r\n[7,"Boston",false,2]', JSONLINES, 2, (1,)),
    ],
)  # fmt: skip
def test_blank_lines_are_not_rows_but_keep_their_place(
    body, content_type, expected_rows, blank_lines
):
    batch = decode(body.encode(), content_type, TYPED)
    assert len(batch.frame) == expected_rows
    assert batch.blank_lines == blank_lines


def test_quoted_newlines_stay_in_the_value():
    batch = decode(b'42,"Austin\nTX",TRUE,1.5\n', CSV, TYPED)
    assert batch.frame["CITY"].tolist() == ["Austin\nTX"]


@pytest.mark.parametrize("content_type", [CSV, JSONLINES])
def test_a_body_of_blank_lines_has_no_rows(content_type):
    with pytest.raises(BadRequest):
        decode(b"\n\n  \n" * 1000, content_type, TYPED)


def test_batches_of_several_requests_concatenate_in_order():
    first = decode(b"42,Austin,TRUE,1.5\n\n", CSV, TYPED)
    second = decode(b"7,Boston,FALSE,2\n8,Austin,TRUE,3\n", CSV, TYPED)
    together = RequestRows.concat([first, second])
    assert rows(together.frame) == rows(first.frame) + rows(second.frame)
    assert list(together.frame.index) == [0, 1, 2]
    assert RequestRows.concat([first]) is first


TOKENS = {
    "int": ["007", "+1", "-0", "42", None, "1.5", " 3", "1_000", "١٢", "1\n2", "9" * 40],
    "float": [
        "1.",
        ".5",
        "+.5",
        "-2.25",
        "12",
        "-0",
        None,
        "1e5",
        "1e999",
        "nan",
        " 1.5",
        "9" * 400,
    ],
    "bool": ["TRUE", "false", "True", None, "maybe", "1"],
    "str": ["Austin", None, "", "a\nb"],
}


@pytest.mark.parametrize("kind", sorted(TOKENS))
def test_whole_column_conversion_gives_what_the_per_value_converters_give(kind):
    """The one-pass path for CSV columns may decline, but never differs from the checked path."""
    from handler.wire.values import TEXT_CONVERTERS, _converted, _plain_text_column

    tokens = TOKENS[kind]
    for size in range(1, len(tokens) + 1):
        for start in range(len(tokens) - size + 1):
            column = [None if t == "" else t for t in tokens[start : start + size]]
            fast = _plain_text_column(column, kind)
            if fast is None:
                continue
            slow = _converted(column, TEXT_CONVERTERS[kind], "column")
            assert [type(v) for v in fast] == [type(v) for v in slow], column
            assert [repr(v) for v in fast] == [repr(v) for v in slow], column


def test_a_number_beyond_float_range_is_a_bad_value_not_a_crash():
    body = f"42,Austin,TRUE,{'9' * 400}\n".encode()
    with pytest.raises(BadRequest, match=r"column 'CLTV' \(row 1\): expected a finite number"):
        decode(body, CSV, TYPED)


@pytest.mark.parametrize("content_type", [JSON, JSONLINES])
@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"a":' * 50_000])
def test_deeply_nested_json_is_a_bad_request(content_type, body):
    with pytest.raises(BadRequest, match="nests arrays or objects too deeply"):
        decode(body, content_type, TYPED)


# Headers: the rule of handler.wire.decoding._csv_header.
NUMERIC_FIRST = Schema(width=4, types=("int", "str", "bool", "float"))


@pytest.mark.parametrize(
    ("body", "schema", "header", "expected"),
    [
        # names known: the names, in any letter case, order and spacing, make a header
        ("AGE,CITY,OWNS_HOME,CLTV\n42,Austin,TRUE,1.5\n", TYPED, None, [[42, "Austin", True, 1.5]]),
        ("age, City ,owns_home,cltv\n42,Austin,TRUE,1.5\n", TYPED, None, [[42, "Austin", True, 1.5]]),
        ("\ufeffAge,City,Owns_Home,CLTV\r\n42,Austin,TRUE,1.5\r\n", TYPED, None,
         [[42, "Austin", True, 1.5]]),
        # columns in another order are put back in training order by their header
        ("CLTV,CITY,AGE,OWNS_HOME\n1.5,Austin,42,TRUE\n", TYPED, None, [[42, "Austin", True, 1.5]]),
        ("CLTV,CITY,AGE,OWNS_HOME\n1.5,Austin,42,TRUE\n", TYPED, True, [[42, "Austin", True, 1.5]]),
        # header=absent: the first row is data, whatever it holds
        ("AGE,CITY,OWNS_HOME,CLTV\n", Schema(width=4, names=TYPED.names), False,
         [["AGE", "CITY", "OWNS_HOME", "CLTV"]]),
        # no names: text in every numeric column is a header, dropped
        ("customer_age,city,owns,value\n42,Austin,TRUE,1.5\n", NUMERIC_FIRST, None,
         [[42, "Austin", True, 1.5]]),
        # ... but a first row with a number in a numeric column is data
        ("42,Austin,TRUE,1.5\n7,Boston,FALSE,2\n", NUMERIC_FIRST, None,
         [[42, "Austin", True, 1.5], [7, "Boston", False, 2.0]]),
        # ... a missing value is no text, so such a row is data too
        (",city,owns,value\n", Schema(width=4, types=("int", "str", "str", "str")), None,
         [["NaN", "city", "owns", "value"]]),
        # no names and no types: only header=present says a first row is a header
        ("a,b\n1,2\n", WIDTH_ONLY_2 := Schema(width=2), True, [[1, 2]]),
        ("a,b\n1,2\n", WIDTH_ONLY_2, None, [["a", "b"], [1, 2]]),
    ],
)  # fmt: skip
def test_csv_headers(body, schema, header, expected):
    assert rows(decode(body.encode(), CSV, schema, header).frame) == expected


@pytest.mark.parametrize(
    ("body", "header", "message"),
    [
        ("AGE,CITY,OWNS_HOME,ZIP\n1,a,TRUE,2\n", True, "header column 'ZIP' is not a feature of this model"),
        ("AGE,CITY,OWNS_HOME\n1,a,TRUE\n", True, "the header lacks the feature 'CLTV'"),
        ("CLTV,CITY,AGE,OWNS_HOME\n1.5,Austin,42\n", None, r"expected 4 columns as in the header, got 3 \(row 1\)"),
        # without header=present, a row that is not exactly the names is data
        ("AGE,CITY,OWNS_HOME,ZIP\n", None, r"column 'AGE' \(row 1\): expected a number, got 'AGE'"),
    ],
)  # fmt: skip
def test_headers_that_do_not_fit_are_a_400(body, header, message):
    with pytest.raises(BadRequest, match=message):
        decode(body.encode(), CSV, TYPED, header)


def test_rows_decode_alike_alone_and_together():
    """Without types, a token is read on its own: its neighbours never change its value."""
    lines = ["1,x", "x,2", "1.5,TRUE", "007,", "NA,None"]
    schema = Schema(width=2)
    alone = [rows(decode(f"{line}\n".encode(), CSV, schema).frame)[0] for line in lines]
    together = rows(decode(("\n".join(lines) + "\n").encode(), CSV, schema).frame)
    assert alone == together


TOKEN_TYPES = (None, "str", "int", "float", "bool")
TOKENS_TO_READ = [
    "None", "NA", "null", "NULL", "nan", "NaN", "-nan", "", "#N/A", "#N/A N/A", "<NA>", "n/a",
    "1.#IND", "-1.#QNAN", "Null", "none", "NONE", "na", "N/a",
]  # fmt: skip


@pytest.mark.parametrize("token", TOKENS_TO_READ)
def test_missing_tokens_are_those_of_the_installed_pandas(token):
    """A token is missing exactly when this runtime's pandas.read_csv reads it as missing."""
    import io

    import pandas as pd

    body = f"a,{token}\n"
    expected = pd.read_csv(io.StringIO(body), header=None, keep_default_na=True)[1].isna()[0]
    for kind in ("str", None):
        value = decode(body.encode(), CSV, Schema(width=2, types=("str", kind))).frame.iloc[0, 1]
        assert (isinstance(value, float) and math.isnan(value)) == expected, kind


@pytest.mark.parametrize(
    ("token", "expected"),
    [("TRUE", True), ("true", True), ("True", True), ("tRuE", None), ("FALSE", False),
     ("false", False), ("False", False), ("yes", None), ("1", None), ("T", None)],
)  # fmt: skip
def test_boolean_spellings_are_those_of_the_installed_pandas(token, expected):
    import io

    import pandas as pd

    column = pd.read_csv(io.StringIO(f"x\n{token}\nTrue\n"))["x"]
    read = bool(column[0]) if pd.api.types.is_bool_dtype(column) else None
    decoded = decode(f"{token}\n".encode(), CSV, Schema(width=1)).frame.iloc[0, 0]
    assert (decoded if isinstance(decoded, bool) else None) == read
    if expected is not None:
        assert read == expected


@pytest.mark.parametrize(
    ("body", "content_type", "schema", "message"),
    [
        (f"{'9' * 400},Austin,TRUE,1\n", CSV, TYPED, r"column 'AGE' \(row 1\): expected an integer within 64 bits"),
        (f"{'9' * 5000},Austin,TRUE,1\n", CSV, TYPED, r"column 'AGE' \(row 1\): expected an integer within 64 bits"),
        ("18446744073709551616,Austin,TRUE,1\n", CSV, TYPED, "expected an integer within 64 bits"),
        (f"[[{'9' * 400},\"Austin\",true,1]]", JSON, TYPED, r"column 'AGE' \(row 1\): expected an integer within 64 bits"),
        (f"[[{'9' * 400},\"Austin\",true,1]]", JSON, UNKNOWN, r"column 1 \(row 1\): expected an integer within 64 bits"),
        (f"[[1,\"Austin\",true,{'9' * 400}]]", JSON, TYPED, r"column 'CLTV' \(row 1\): expected a finite number"),
    ],
)  # fmt: skip
def test_huge_integers_are_a_400_naming_row_and_column(body, content_type, schema, message):
    with pytest.raises(BadRequest, match=message):
        decode(body.encode(), content_type, schema)


def test_huge_integers_in_a_column_of_unknown_type_are_text_as_read_csv_leaves_them():
    value = decode(f"1,{'9' * 400}\n".encode(), CSV, Schema(width=2)).frame.iloc[0, 1]
    assert value == "9" * 400


def test_a_field_longer_than_the_csv_module_default_is_a_value():
    long_city = "x" * 300_000  # over csv's 128 KiB default field limit
    frame = decode(f"42,{long_city},TRUE,1\n".encode(), CSV, TYPED).frame
    assert frame["CITY"].tolist() == [long_city]


@pytest.mark.parametrize(
    ("body", "schema", "expected_rows"),
    [
        # a row a number column could never hold words in is no header: "?" and "inf" are not words
        ("a,b,?\nc,d,1\n", Schema(width=3, types=("str", "str", "float")), "400"),
        ("a,b,inf\nc,d,1\n", Schema(width=3, types=("str", "str", "float")), "400"),
        # repeated or empty cells: data, not a header
        ("x,x,word\n", Schema(width=3, types=("str", "str", "float")), "400"),
        # names that look like numbers: a row that could be data is data
        ("3,2,1\n", Schema(width=3, names=("1", "2", "3"), types=("int", "int", "int")), [[3, 2, 1]]),
        # names that differ in letter case only: as written
        ("Age,AGE\n1,2\n", Schema(width=2, names=("Age", "AGE"), types=("int", "int")), [[1, 2]]),
        ("AGE,Age\n1,2\n", Schema(width=2, names=("Age", "AGE"), types=("int", "int")), [[2, 1]]),
    ],
)  # fmt: skip
def test_rows_that_only_look_like_headers_stay_data(body, schema, expected_rows):
    if expected_rows == "400":
        with pytest.raises(BadRequest):
            decode(body.encode(), CSV, schema)
        return
    assert rows(decode(body.encode(), CSV, schema).frame) == expected_rows


def test_json_lines_of_single_values_are_a_row_each():
    assert rows(decode(b"5\n6\n", JSONLINES, Schema(width=1)).frame) == [[5], [6]]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[["NA", "Austin", "null", "N/A"]]', [["NaN", "Austin", "NaN", "NaN"]]),
        ('[[" 42 ", "NA", "TRUE", "-0"]]', [[42, "NA", True, -0.0]]),
    ],
)
def test_json_strings_in_number_and_boolean_columns_read_like_csv_tokens(body, expected):
    assert rows(decode(body.encode(), JSON, TYPED).frame) == expected


def test_a_non_finite_number_in_a_text_column_is_a_400():
    with pytest.raises(BadRequest, match=r"column 'CITY' \(row 1\): expected a finite number"):
        decode(b"[[42, 1e999, true, 1]]", JSON, TYPED)

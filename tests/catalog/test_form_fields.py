"""The application form as rows of fields (the admin's structured editor): read off a
schema and written back, keeping what a row does not show."""

from __future__ import annotations

from yiwang.catalog import services
from yiwang.catalog.form_fields import rows_from_schema, schema_from_rows

#: A form like the demo's: a formatted ID number, a choice with English labels, a date.
SCHEMA = {
    "type": "object",
    "properties": {
        "applicant_name": {
            "type": "string", "title": "申请人姓名", "title_en": "Applicant's name",
            "maxLength": 50,
        },
        "resident_id": {
            "type": "string", "title": "公民身份号码", "title_en": "Citizen ID number",
            "format": "cn-resident-id",
        },
        "delivery": {
            "type": "string", "title": "领取方式", "title_en": "How to receive it",
            "enum": ["邮寄送达", "窗口领取"],
            "enumNames_en": ["Delivered by post", "Collect at the service window"],
        },
        "travel_date": {"type": "string", "title": "出行日期", "format": "date"},
    },
    "required": ["applicant_name", "resident_id", "delivery"],
    "x-order": ["applicant_name", "resident_id", "delivery", "travel_date"],
}  # fmt: skip


def test_the_rows_of_a_flat_form():
    rows = rows_from_schema(SCHEMA)

    assert [(r["name"], r["type"], r["required"]) for r in rows] == [
        ("applicant_name", "text", True),
        ("resident_id", "text", True),
        ("delivery", "choice", True),
        ("travel_date", "date", False),
    ]
    assert rows[2]["options_zh"] == "邮寄送达\n窗口领取"
    assert rows[2]["options_en"] == "Delivered by post\nCollect at the service window"
    # what a row does not show, and keeps
    assert rows[0]["kept"] == "maxLength"
    assert rows[1]["kept"] == "format"
    assert rows[3]["kept"] == ""


def test_unchanged_rows_give_back_the_same_schema():
    assert schema_from_rows(rows_from_schema(SCHEMA), base=SCHEMA) == SCHEMA


def test_edited_rows_keep_what_they_do_not_show_while_a_field_keeps_its_type():
    rows = rows_from_schema(SCHEMA)
    # the administrator relabels the ID, makes the date a required number of days, drops the
    # delivery choice's English, adds a purpose choice, and moves it first
    rows[1]["title_en"] = "ID number"
    rows[3].update(name="days", title_zh="出行天数", type="integer", required=True)
    del rows[2]
    rows.insert(
        0,
        {"name": "purpose", "title_zh": "出境事由", "title_en": "Purpose", "type": "choice",
         "required": True, "options_zh": "旅游\n\n留学\n", "options_en": "Tourism\nStudy"},
    )  # fmt: skip

    schema = schema_from_rows(rows, base=SCHEMA)

    assert schema["x-order"] == ["purpose", "applicant_name", "resident_id", "days"]
    assert schema["required"] == ["purpose", "applicant_name", "resident_id", "days"]
    assert schema["properties"]["purpose"] == {
        "type": "string", "title": "出境事由", "title_en": "Purpose",
        "enum": ["旅游", "留学"], "enumNames_en": ["Tourism", "Study"],
    }  # fmt: skip
    # the ID keeps its format, the name its length limit
    assert schema["properties"]["resident_id"] == {
        "type": "string", "title": "公民身份号码", "title_en": "ID number",
        "format": "cn-resident-id",
    }  # fmt: skip
    assert schema["properties"]["applicant_name"]["maxLength"] == 50
    # a renamed field is a new one: nothing of the old date field follows it
    assert schema["properties"]["days"] == {"type": "integer", "title": "出行天数"}
    assert services.form_schema_errors(schema) == []


def test_a_field_that_changes_type_drops_the_old_types_settings():
    rows = rows_from_schema(SCHEMA)
    rows[1]["type"] = "integer"  # the ID number becomes a number: cn-resident-id goes

    schema = schema_from_rows(rows, base=SCHEMA)

    assert schema["properties"]["resident_id"] == {
        "type": "integer", "title": "公民身份号码", "title_en": "Citizen ID number",
    }  # fmt: skip


def test_no_rows_is_no_form_and_no_form_is_no_rows():
    assert schema_from_rows([], base=SCHEMA) == {}
    assert rows_from_schema({}) == []


def test_a_form_the_rows_cannot_show_gives_no_rows():
    nested = {
        "type": "object",
        "properties": {
            "address": {
                "type": "object", "title": "地址",
                "properties": {"street": {"type": "string", "title": "街道"}},
            }
        },
    }  # fmt: skip
    labelled = {
        "type": "object",
        "properties": {
            "sex": {"type": "string", "title": "性别", "enum": ["M", "F"],
                    "enumNames": ["男", "女"]},
        },
    }  # fmt: skip
    assert rows_from_schema(nested) is None
    assert rows_from_schema(labelled) is None

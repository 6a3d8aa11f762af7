"""Case numbers from a PostgreSQL sequence per region and day (docs/decisions/0007-case-numbers.md).

The function ``yiwang_case_number_next(region, day)`` draws the day's next
number. On the first draw of a region's day it creates the sequence
``cases_number_<region>_<yyyymmdd>``, starting after the highest number that
day already has: in ``cases_casenumbersequence`` (the counter the row-lock
scheme kept until this migration, and SQLite keeps) or among the cases.
Two first draws at once: the second waits for the first's transaction, finds
the sequence and draws from it. Nothing on SQLite.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION yiwang_case_number_next(region text, day date) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    name text := 'cases_number_' || region || '_' || to_char(day, 'YYYYMMDD');
    prefix text := region || '-' || to_char(day, 'YYYYMMDD') || '-';
    start bigint;
BEGIN
    IF region !~ '^[1-9][0-9]{5}$' THEN
        RAISE EXCEPTION 'region code must be 6 digits, not %', region;
    END IF;
    IF to_regclass(quote_ident(name)) IS NULL THEN
        SELECT GREATEST(
            (SELECT max(s.last) FROM cases_casenumbersequence s
              WHERE s.region_code = region AND s.day = yiwang_case_number_next.day),
            (SELECT max(right(c.number, 6)::bigint) FROM cases_case c
              WHERE c.number LIKE prefix || '%'),
            0) + 1 INTO start;
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I START WITH %s', name, start);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            NULL;  -- another transaction created it first (and committed): draw from it
        END;
    END IF;
    RETURN nextval(quote_ident(name));
END
$$;
"""


def create_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION, params=None)


def drop_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS yiwang_case_number_next(text, date)")


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_read_indexes")]

    operations = [migrations.RunPython(create_function, drop_function)]

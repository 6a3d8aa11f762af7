"""The path parameters of the cases endpoints: database ids and case numbers, bounded."""

from __future__ import annotations

from ninja import Path

from yiwang.cases.models import Case
from yiwang.core.apitypes import INT_MAX

#: A case number in a path (as long as ``Case.number`` holds).
NUMBER_MAX = Case._meta.get_field("number").max_length

#: Path parameters: ids are positive database ids, numbers as long as a case number.
ID = Path(..., ge=1, le=INT_MAX)
CASE_NUMBER = Path(..., max_length=NUMBER_MAX)

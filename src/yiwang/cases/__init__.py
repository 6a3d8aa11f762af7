"""Applications and cases (一网通办): apply, process under the statutory clock, follow, rate.

Writes go through :mod:`yiwang.cases.services`, reads through
:mod:`yiwang.cases.selectors`; see docs/cases.md.
"""

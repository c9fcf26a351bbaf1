"""Service records: the bundled forum dataset, reading user sheets, resolving places.

A *records* table has one row per claim "this institution offers this service (type or
whole group) in these places". :func:`read_records` reads and validates a user's CSV or
Excel sheet into a :class:`RecordsSheet`; :func:`resolve_records` turns records into the
*served* table (one row per record x province) and the *unresolved* table, which together
account for every record.

Modules: ``schema`` (columns, :class:`RecordsSheet`), ``headers`` (the header row),
``hxl`` (HXL hashtags), ``sheets`` (reading files), ``validate`` (checking cells, every
problem at once), ``resolve`` (places to provinces), ``unresolved`` (the table a user fixes
from), ``forum`` (bundled data), ``template`` (the records template).

Examples
--------
>>> from coverage.records import load_forum_records, resolve_records
>>> served, unresolved = resolve_records(load_forum_records())
>>> len(unresolved)
14
"""
from coverage.records.forum import example_records, forum_findings, load_forum_records, template_table
from coverage.records.resolve import resolve_records
from coverage.records.review import review_table
from coverage.records.schema import RecordsSheet
from coverage.records.sheets import read_records

__all__ = ["RecordsSheet", "load_forum_records", "read_records", "resolve_records",
           "review_table", "forum_findings", "example_records", "template_table"]

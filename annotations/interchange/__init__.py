"""Tags in and out of Newsdesk: brat standoff, JSON Lines, W3C Web Annotation and CSV.

One module per format holds its reader and writer (brat.py, jsonl.py, w3c.py; table.py
writes CSV), over the plain records of records.py; anchoring.py maps offsets and quotes
onto text. All of these are pure. uploads.py sorts uploaded files into readable units,
import_service.py writes what the readers give (one transaction per file),
export_feed.py reads what an export holds, and views.py serves the import page and the
downloads.
"""

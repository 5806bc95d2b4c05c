"""The interchange wing: listings in and out of the directory.

- samhsa: reading SAMHSA treatment locator files (CSV, XLSX, JSON) and
  loading them into the directory;
- csv_export: listings as CSV, for staff (admin action) and visitors (the
  search page's download);
- hsds: the read-only Open Referral HSDS 3.0 API, routed by urls;
- admin: the provider admin's "Import SAMHSA file" page and CSV export;
- views: the visitors' CSV download of their search.

May import the directory's core (models, search, geo, phones); never the
inquiries wing, facts or portal.
"""

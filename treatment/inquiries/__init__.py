"""The inquiries wing: what visitors send us and how it reaches its reader.

- forms: the inquiry and listing-report forms (with the honeypot);
- services: create_inquiry(), notify() and the store-then-send retry (the
  sending itself is treatment.outbox, shared with the listings wing),
  create_listing_report(), the hourly submission limit;
- views: the contact, inquiry-sent and report pages;
- admin: the inquiry inbox (inquiry handlers only) and the listing reports.

May import the directory's core (models, phones, geo); never the interchange
wing, facts or search internals.
"""

"""The listings wing: providers confirm or correct their own listing.

- services: asking providers to confirm (the emailed, signed link, sent by
  the store-then-send path of treatment.outbox), reading a link, recording a
  confirmation or suggested changes, and staff approving or rejecting them;
- forms: the provider's "Suggest changes" form, validated as staff's are;
- views: the pages the link opens (no account needed, never indexed, no
  Referer sent);
- admin: the "Ask the provider to confirm" action, the review queue of
  suggested changes, stale-listing filters and the freshness summary.

May import the directory's core (models, phones); never the inquiries or
interchange wings, facts or portal. The core never imports it.
"""

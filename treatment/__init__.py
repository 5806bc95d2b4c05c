"""The treatment directory: one Django app (label "treatment"), a core and three wings.

Core, the directory itself, which imports no wing, nor facts or portal:
- models/: taxonomy, providers, the directory's version, inquiries, reports,
  stored emails (outbox), providers' confirmations (listings);
- search/: a visitor's search, from GET parameters to results and counts;
- geo.py (places and distances), phones.py (US phone numbers), text.py
  (what visitors type, less control characters) and outbox.py (sending
  stored emails once each, with retries).

Wings, which use the core and never each other:
- inquiries/: what visitors send (inquiries, listing reports) and its inbox;
- interchange/: SAMHSA import, CSV export and the HSDS API;
- listings/: providers confirm or correct their listing by an emailed link,
  and staff review what they suggest.

Wiring, thin modules that connect the parts: views.py (the directory's pages),
urls.py, admin.py, apps.py and management/commands/. The rules are
import-linter contracts in pyproject.toml, checked in CI by `lint-imports`.
"""

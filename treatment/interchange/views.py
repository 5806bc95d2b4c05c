"""The visitors' CSV download of their search results."""

from treatment.interchange.csv_export import visitor_results_csv_response


def results_csv(request):
    """The search page's results (same filters, first 1,000) as a CSV download."""
    return visitor_results_csv_response(request)

from joinedup.councils.selectors import council_for_hostname


class CouncilMiddleware:
    """Find the council a request is for from its host name, such as report.boston.gov.uk.

    Pages under a `/<council-slug>/` prefix set the council from the path instead (see
    `councils.views.council_from_path`). Requests to the platform's own host have none.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.host_council = council_for_hostname(request.get_host())
        request.council = request.host_council
        return self.get_response(request)

from django.http import Http404


def request_detail(request, council_slug, reference):
    raise Http404

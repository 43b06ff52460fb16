from django.http import Http404


def track(request, council_slug, reference):
    raise Http404


def feedback(request, council_slug, reference, token):
    raise Http404

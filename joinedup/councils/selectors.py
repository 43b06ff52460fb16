from django.db.models import QuerySet
from django.http import Http404
from shapely.geometry import Point, shape

from joinedup.accounts import permissions
from joinedup.councils.models import Council, CouncilHostname, Partnership, ServiceArea, Ward


def council_list_public() -> QuerySet[Council]:
    return Council.objects.filter(is_active=True).select_related("partnership").order_by("name")


def council_for_hostname(hostname: str) -> Council | None:
    host = hostname.split(":")[0].lower().rstrip(".")
    found = CouncilHostname.objects.filter(hostname=host, council__is_active=True).select_related("council").first()
    return found.council if found else None


def council_by_slug(slug: str) -> Council:
    try:
        return Council.objects.select_related("partnership").get(slug=slug, is_active=True)
    except Council.DoesNotExist:
        raise Http404("No council with that address.") from None


def partnership_list() -> QuerySet[Partnership]:
    return Partnership.objects.prefetch_related("councils")


def ward_list(*, council: Council) -> QuerySet[Ward]:
    return Ward.objects.filter(council=council).defer("boundary")


def ward_for_point(*, council: Council, lat: float, lon: float) -> Ward | None:
    """Return the council's ward containing the point (WGS84), or None if it is outside them all."""
    point = Point(lon, lat)
    candidates = Ward.objects.filter(
        council=council, min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat
    )
    for ward in candidates:
        if shape(ward.boundary).covers(point):
            return ward
    return None


def service_area_list(*, council: Council) -> QuerySet[ServiceArea]:
    return ServiceArea.objects.filter(council=council).select_related("lead_officer")


def service_area_for_staff(*, user, council: Council, pk: int) -> ServiceArea:
    """Return one service area of the council, or 404 if the user may not see it."""
    if not permissions.can_view_staff_pages(user, council):
        raise Http404
    try:
        return ServiceArea.objects.get(council=council, pk=pk)
    except ServiceArea.DoesNotExist:
        raise Http404 from None


def staff_council_list(*, user) -> QuerySet[Council]:
    return permissions.staff_councils(user).order_by("name")

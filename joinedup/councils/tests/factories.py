import factory

from joinedup.councils.models import Council, Partnership, ServiceArea, Ward


def square(lon: float, lat: float, size: float = 0.01) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    gss_code = factory.Sequence(lambda n: f"E07{n + 100:06d}")
    name = factory.Sequence(lambda n: f"Test District Council {n}")
    short_name = factory.Sequence(lambda n: f"TDC{n}")
    slug = factory.Sequence(lambda n: f"test-council-{n}")
    contact_email = "contact@council.example.org"
    contact_phone = "01632 960 000"


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"Service area {n}")
    slug = factory.Sequence(lambda n: f"service-area-{n}")


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    council = factory.SubFactory(CouncilFactory)
    gss_code = factory.Sequence(lambda n: f"E05{n + 900000:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    boundary = factory.LazyAttribute(lambda w: square(w.min_lon, w.min_lat))
    min_lon = factory.Sequence(lambda n: -1.0 + n * 0.02)
    min_lat = 52.0
    max_lon = factory.LazyAttribute(lambda w: w.min_lon + 0.01)
    max_lat = factory.LazyAttribute(lambda w: w.min_lat + 0.01)

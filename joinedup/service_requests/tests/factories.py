import factory
from django.utils import timezone

from joinedup.councils.tests.factories import CouncilFactory, ServiceAreaFactory
from joinedup.service_requests.models import Category, CategoryQuestion, ServiceRequest, Status


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    council = factory.SubFactory(CouncilFactory)
    service_area = factory.SubFactory(ServiceAreaFactory, council=factory.SelfAttribute("..council"))
    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    group = "Rubbish and street cleaning"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryQuestion

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"question_{n}")
    prompt = factory.Sequence(lambda n: f"Question {n}?")


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """A request made directly, for selector and view tests; services are tested through their API."""

    class Meta:
        model = ServiceRequest

    council = factory.SubFactory(CouncilFactory)
    category = factory.SubFactory(CategoryFactory, council=factory.SelfAttribute("..council"))
    number = factory.Sequence(lambda n: n + 1)
    status = Status.SUBMITTED
    status_changed_at = factory.LazyFunction(timezone.now)
    description = "A sofa dumped on the verge"
    location_text = "Outside 12 High Street"
    reporter_name = "Rosa Resident"
    reporter_email = "rosa@example.org"
    expected_by = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=14))

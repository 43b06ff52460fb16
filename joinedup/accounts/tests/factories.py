import factory

from joinedup.accounts.models import RoleAssignment, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)


def grant(user, role, *, council=None, partnership=None, service_areas=(), wards=()) -> RoleAssignment:
    """Give a test user a role directly (services are tested on their own)."""
    assignment = RoleAssignment.objects.create(user=user, role=role, council=council, partnership=partnership)
    assignment.service_areas.add(*service_areas)
    assignment.wards.add(*wards)
    return assignment

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.core.models import BaseModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is needed.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in, identified by email. What they may do comes from their roles."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=30, blank=True)
    is_active = models.BooleanField(default=True)
    # Django's own flag for its admin site, which JoinedUp does not mount.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Role(models.TextChoices):
    # Every account can act as a resident; the other roles are granted.
    RESIDENT = "resident", "Resident"
    STAFF = "staff", "Council staff"
    COUNCILLOR = "councillor", "Councillor"
    PARTNERSHIP_OFFICER = "partnership_officer", "Partnership officer"
    SCRUTINY_MEMBER = "scrutiny_member", "Scrutiny member"
    # The officer who supports a scrutiny committee (agendas, work programme, tracker).
    SCRUTINY_OFFICER = "scrutiny_officer", "Scrutiny officer"
    # The executive (cabinet) member responsible for some of the council's service areas.
    PORTFOLIO_HOLDER = "portfolio_holder", "Portfolio holder"
    # A member of the board that records gate decisions on the council's project proposals.
    PORTFOLIO_APPROVER = "portfolio_approver", "Portfolio board member"
    ADMINISTRATOR = "administrator", "Administrator"


COUNCIL_ROLES = (
    Role.STAFF,
    Role.COUNCILLOR,
    Role.SCRUTINY_MEMBER,
    Role.SCRUTINY_OFFICER,
    Role.PORTFOLIO_HOLDER,
    Role.PORTFOLIO_APPROVER,
)
# Roles that reach back-office data, so they need two-factor sign-in when it is required.
BACK_OFFICE_ROLES = (
    Role.STAFF,
    Role.PARTNERSHIP_OFFICER,
    Role.ADMINISTRATOR,
    Role.SCRUTINY_OFFICER,
    Role.PORTFOLIO_APPROVER,
)


class RoleAssignment(BaseModel):
    """A role granted to a user, scoped to a council or a partnership where the role needs one."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=30, choices=[c for c in Role.choices if c[0] != Role.RESIDENT])
    council = models.ForeignKey("councils.Council", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    partnership = models.ForeignKey(
        "councils.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_areas = models.ManyToManyField("councils.ServiceArea", blank=True, related_name="+")
    wards = models.ManyToManyField("councils.Ward", blank=True, related_name="+")

    class Meta:
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(
                name="role_assignment_scope",
                condition=(
                    Q(role__in=[r.value for r in COUNCIL_ROLES], council__isnull=False, partnership__isnull=True)
                    | Q(role=Role.PARTNERSHIP_OFFICER, council__isnull=True, partnership__isnull=False)
                    | Q(role=Role.ADMINISTRATOR, council__isnull=True, partnership__isnull=True)
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "council"],
                condition=Q(council__isnull=False),
                name="role_assignment_unique_council",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "partnership"],
                condition=Q(partnership__isnull=False),
                name="role_assignment_unique_partnership",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(role="administrator"),
                name="role_assignment_unique_administrator",
            ),
        ]

    def __str__(self):
        scope = self.council or self.partnership or "all councils"
        return f"{self.get_role_display()} ({scope})"

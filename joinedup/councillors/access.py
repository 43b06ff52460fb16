"""Who may see and do what with councillors' data. Services and selectors call these checks."""

from joinedup.accounts import permissions
from joinedup.accounts.models import Role, RoleAssignment


def is_councillor(user, council) -> bool:
    if user is None or not user.is_authenticated or council is None:
        return False
    # The role counts only while the council's list does not show their term as ended.
    return permissions.councillor_assignments(user, council).exists()


def represents(user, ward) -> bool:
    """Whether the user is a councillor for this ward."""
    if ward is None:
        return False
    return permissions.councillor_wards(user, ward.council).filter(pk=ward.pk).exists()


def can_view_ward_dashboard(user, ward) -> bool:
    """A ward's own councillors, and the council's staff and partnership officers, for any ward."""
    return represents(user, ward) or permissions.can_view_staff_pages(user, ward.council)


def can_see_reporter(user, request) -> bool:
    """A councillor sees a reporter's details only if the reporter asked their councillor to be involved."""
    return bool(request.involve_councillor and request.anonymised_at is None and represents(user, request.ward))


def handles_service_area(user, service_area) -> bool:
    """Officers of the service area (staff given it, or its lead officer), after two-factor sign-in."""
    if user is None or not user.is_authenticated or not permissions.mfa_satisfied(user):
        return False
    if service_area.lead_officer_id == user.pk:
        return True
    return RoleAssignment.objects.filter(
        user=user, role=Role.STAFF, council=service_area.council_id, service_areas=service_area
    ).exists()


def enquiry_role(user, enquiry) -> str:
    """How the user may see a member enquiry: 'councillor', 'officer', 'resident', or '' (not at all)."""
    if user is None or not user.is_authenticated:
        return ""
    if enquiry.councillor_id == user.pk and is_councillor(user, enquiry.council):
        return "councillor"  # only while they are still a councillor: a former one no longer sees it
    if handles_service_area(user, enquiry.service_area):
        return "officer"
    if enquiry.resident_id == user.pk:
        return "resident"
    return ""

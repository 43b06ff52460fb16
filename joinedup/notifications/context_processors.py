from django.utils.functional import SimpleLazyObject

from joinedup.accounts import permissions
from joinedup.notifications.selectors import sending_problem as sending_problem_for


def sending_problem(request):
    """On a council's staff pages, say so when its emails or texts are failing to send.

    Worked out only when a page shows it (base.html), and only for the council's staff.
    """

    def problem():
        council = getattr(request, "council", None)
        user = getattr(request, "user", None)
        if council is None or user is None or not request.path.startswith(f"/{council.slug}/staff/"):
            return None
        if not permissions.can_view_staff_pages(user, council):
            return None
        return sending_problem_for(council=council)

    return {"sending_problem": SimpleLazyObject(problem)}

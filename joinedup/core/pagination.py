"""Page links for the GOV.UK pagination component (`core/_pagination.html`), for any Django page."""

from django.http import QueryDict


def pagination(page, query: QueryDict) -> dict | None:
    """Items for the component: the first page, the last, and the pages next to this one (never a
    loop over every page of a long list), keeping the other query arguments. None for one page."""
    if page.paginator.num_pages <= 1:
        return None

    def link(number):
        params = query.copy()
        params["page"] = number
        return f"?{params.urlencode()}"

    items, last = [], 0
    numbers = page.paginator.num_pages
    for number in sorted({1, numbers, *range(max(1, page.number - 1), min(numbers, page.number + 1) + 1)}):
        if last and number - last > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": link(number), "current": number == page.number})
        last = number
    return {
        "items": items,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        "next": link(page.next_page_number()) if page.has_next() else None,
    }

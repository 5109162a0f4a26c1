"""Page numbers from the query string."""

from __future__ import annotations

from tongcheng.lib.paging import MAX_PAGE, page_number


def test_it_reads_a_page_number_and_stops_at_the_last_page_there_can_be() -> None:
    assert page_number("3") == 3
    assert page_number(None) == page_number("") == page_number("x") == page_number("-2") == 1
    assert page_number("0") == 1
    assert page_number("99999999999999999999") == MAX_PAGE
    # Digits of other scripts are no page number.
    assert page_number("３") == 1

"""The statistics page on a phone (390 px), as a leader and a community officer open it.

Every chart is drawn by ECharts into SVG; the test reads the rendered <text> elements of each
chart and fails when two visible labels overlap, checks that the current month's column is
drawn lighter with a dashed outline and named as partial, that the page fits the screen, and
that a community officer gets no one-bar chart of the own community. Screenshots:
artifacts/screenshots/stats-*.png.
"""

from __future__ import annotations

from django.urls import reverse
from playwright.sync_api import Page, expect

from e2e.conftest import (
    PHONE,
    SCREENSHOTS,
    NewContext,
    Server,
    assert_fits_screen,
    login,
    screenshot,
)

# The visible text boxes of a chart's SVG (ECharts leaves labels it hides out, or transparent).
VISIBLE = """
const visible = (chart) => [...chart.querySelectorAll("svg text")]
  .filter((t) => {
    const style = getComputedStyle(t);
    const box = t.getBoundingClientRect();
    return style.display !== "none" && style.visibility !== "hidden"
      && Number(style.opacity || 1) > 0 && Number(t.getAttribute("opacity") ?? 1) > 0
      && box.width > 0 && box.height > 0 && t.textContent.trim() !== "";
  })
  .map((t) => ({ text: t.textContent.trim(), box: t.getBoundingClientRect() }));
"""

# Pairs of visible text boxes inside one chart that overlap by more than a pixel each way.
OVERLAPS = (
    "() => {"
    + VISIBLE
    + """
  const found = [];
  for (const chart of document.querySelectorAll(".tc-stats-chart")) {
    const boxes = visible(chart);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].box, b = boxes[j].box;
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (x > 1 && y > 1) {
          found.push(`${chart.id}: "${boxes[i].text}" / "${boxes[j].text}"`);
        }
      }
    }
  }
  return found;
}
"""
)

# The years of the month axis (under every January) that the reader cannot see.
MISSING_YEARS = (
    "() => {"
    + VISIBLE
    + """
  const element = document.getElementById("chart-arrivals");
  const labels = window.echarts.getInstanceByDom(element).getOption().xAxis[0].data;
  const years = labels.filter((l, i) => i > 0 && l.includes("\\n")).map((l) => l.split("\\n")[1]);
  const shown = visible(element).map((t) => t.text);
  return years.length ? years.filter((y) => !shown.includes(y)) : ["no January in the window"];
}
"""
)

PARTIAL_MONTH = """
() => {
  const element = document.getElementById("chart-arrivals");
  const option = window.echarts.getInstanceByDom(element).getOption();
  const data = option.series[0].data;
  const last = data[data.length - 1];
  const dashed = [...element.querySelectorAll("svg path")]
    .filter((p) => (p.getAttribute("stroke-dasharray") || "").trim() !== "").length;
  return { style: last.itemStyle || null, dashed: dashed, bars: data.length };
}
"""


def open_stats(page: Page, query: str = "") -> None:
    response = page.goto(reverse("registry:stats") + query)
    assert response is not None and response.status == 200
    page.wait_for_function(
        "() => [...document.querySelectorAll('.tc-stats-chart')]"
        ".every((e) => e.dataset.drawn === '1')"
    )


def test_it_draws_readable_charts_for_a_leader_on_a_phone(
    new_context: NewContext, server: Server
) -> None:
    page = login(new_context(viewport=PHONE), server, "city.leader", two_factor=False)
    open_stats(page)
    assert page.evaluate(OVERLAPS) == []
    assert page.evaluate(MISSING_YEARS) == []
    partial = page.evaluate(PARTIAL_MONTH)
    assert partial["bars"] == 24
    assert partial["style"] is not None and partial["style"]["borderType"] == "dashed"
    assert partial["style"]["opacity"] < 1
    assert partial["dashed"] >= 1  # drawn: the SVG has the dashed outline
    expect(page.locator("#partial-arrivals")).to_contain_text("本月截至")
    expect(page.locator("#stats-suppression-note")).to_be_visible()
    assert_fits_screen(page)
    screenshot(page, "stats-leader-phone")
    page.screenshot(path=SCREENSHOTS / "stats-leader-top.png")
    for key in ("completeness", "area", "ethnicity", "arrivals"):
        page.locator(f"#chart-{key}").screenshot(path=SCREENSHOTS / f"stats-leader-{key}.png")

    # A shorter period: 6 columns, still no overlap; a refused one is named, not a server error.
    open_stats(page, "?months=6")
    assert page.evaluate(PARTIAL_MONTH)["bars"] == 6
    assert page.evaluate(OVERLAPS) == []
    open_stats(page, "?months=36")
    assert page.evaluate(OVERLAPS) == []
    assert page.evaluate(MISSING_YEARS) == []
    page.locator("#chart-arrivals").screenshot(path=SCREENSHOTS / "stats-leader-arrivals-36.png")
    open_stats(page, "?months=5")
    expect(page.locator("#stats-period-error")).to_contain_text("统计期间")


def test_it_shows_a_community_officer_no_one_bar_chart(
    new_context: NewContext, server: Server
) -> None:
    page = login(new_context(viewport=PHONE), server, "heping.community", two_factor=False)
    open_stats(page)
    expect(page.locator("#chart-area")).to_have_count(0)
    expect(page.locator("#chart-completeness")).to_be_visible()
    assert page.evaluate(OVERLAPS) == []
    assert_fits_screen(page)
    screenshot(page, "stats-community-phone")

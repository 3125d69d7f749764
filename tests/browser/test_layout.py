"""The layout holds on a phone: at 320 and 375 px, on every page type, no visible control has
text that overflows its box or runs past the edge of the screen, and every text or search
field is at least 60% of the screen wide. Screen-reader-only elements do not count.

The sideways-scroll test (test_accessibility) cannot see these: the page hides horizontal
overflow, and a button's text can spill out of the button without widening the page.
"""

import pytest

from .conftest import visit
from .page_types import PAGE_TYPES, STATUS

WIDTHS = (320, 375)
MIN_FIELD_SHARE = 0.6

# Runs in the page: every problem as a line of text. A control is anything a reader clicks,
# types in or opens; "visible" means it has a box on screen and no ancestor is hidden the way
# .usa-sr-only hides (moved off the left edge, clipped to nothing, or one pixel square).
LAYOUT_PROBLEMS = """
(minFieldShare) => {
  const controls = "a[href], button, input:not([type=hidden]), select, textarea, summary, label, [role=button]";
  const width = document.documentElement.clientWidth;
  function hiddenForScreenReadersOnly(el) {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      const rect = node.getBoundingClientRect();
      if (style.clip === "rect(0px, 0px, 0px, 0px)" || style.clipPath === "inset(50%)") return true;
      if (rect.width <= 1 && rect.height <= 1 && style.overflow === "hidden") return true;
      // .usa-sr-only and USWDS's hidden breadcrumbs: moved far off the left edge.
      if (style.position === "absolute" && rect.right <= 0) return true;
    }
    return false;
  }
  function visible(el) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return false;
    if (getComputedStyle(el).visibility === "hidden") return false;
    return !hiddenForScreenReadersOnly(el);
  }
  function name(el) {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text.slice(0, 40)}"`;
  }
  const problems = [];
  for (const el of document.querySelectorAll(controls)) {
    if (!visible(el)) continue;
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const textField = el.matches("input[type=search], input[type=text], input:not([type]), input[type=email], textarea");
    if (rect.right > width + 0.5 || rect.left < -0.5) {
      problems.push(`${name(el)} runs past the screen edge (${Math.round(rect.left)} to ${Math.round(rect.right)} of ${width})`);
    }
    // Inline links wrap with the text around them and have no box of their own to overflow.
    if (!textField && style.display !== "inline" && el.scrollWidth > el.clientWidth) {
      problems.push(`${name(el)} text overflows its box (${el.scrollWidth} > ${el.clientWidth})`);
    }
    if (textField && rect.width < minFieldShare * width) {
      problems.push(`${name(el)} is ${Math.round(rect.width)}px wide, under ${minFieldShare * 100}% of ${width}`);
    }
  }
  return problems;
}
"""


def layout_problems(page) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS, MIN_FIELD_SHARE)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_type_holds_its_layout_on_a_phone(page, width):
    page.set_viewport_size({"width": width, "height": 740})
    problems = []
    for name, path in PAGE_TYPES.items():
        visit(page, path, STATUS.get(name, 200))
        problems += [f"{name} ({path}) at {width}px: {p}" for p in layout_problems(page)]
        if name == "faq":  # and with every answer open
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            problems += [f"faq, answers open, at {width}px: {p}" for p in layout_problems(page)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_spanish_page_type_holds_its_layout_on_a_phone(page, width):
    # Spanish runs longer than English: the same check on every page type's Spanish twin.
    page.set_viewport_size({"width": width, "height": 740})
    problems = []
    for name, path in PAGE_TYPES.items():
        visit(page, "/es" + path, STATUS.get(name, 200))
        problems += [f"{name} (/es{path}) at {width}px: {p}" for p in layout_problems(page)]
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_control_that_overflows(page):
    """The check itself: a button too narrow for its text, a link past the edge and a narrow
    field are each reported; the same inside .usa-sr-only is not."""
    page.set_viewport_size({"width": 320, "height": 740})
    visit(page, "/about/")
    # Styles set through the DOM: the site's Content-Security-Policy refuses style attributes.
    page.evaluate(
        """() => {
          const add = (html, style, parent) => {
            (parent || document.getElementById('main-content')).insertAdjacentHTML('afterbegin', html);
            const el = (parent || document.getElementById('main-content')).firstElementChild;
            Object.assign(el.style, style);
            return el;
          };
          add('<button id="narrow">Search the site</button>', {width: '30px', whiteSpace: 'nowrap', overflow: 'hidden'});
          add('<a id="wide" href="#">Too wide</a>', {display: 'block', width: '400px'});
          add('<input id="small" type="search">', {width: '80px'});
          const hidden = add('<span class="usa-sr-only"></span>', {});
          add('<button>Hidden text here</button>', {width: '30px', whiteSpace: 'nowrap'}, hidden);
        }"""
    )
    problems = "\n".join(layout_problems(page))
    assert 'button#narrow "Search the site" text overflows its box' in problems
    assert 'a#wide "Too wide" runs past the screen edge' in problems
    assert "input#small" in problems and "under 60% of 320" in problems
    assert "Hidden text here" not in problems

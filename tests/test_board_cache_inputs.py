"""What a kept board page or card shows must be in its key: these tests read the templates the
board renders (base.html and everything the board extends, includes or imports) and fail when one
of them reads something the cache does not account for (blueprints/books/board_cache.py)."""

from __future__ import annotations

import dataclasses

import pytest
from jinja2 import ChoiceLoader, DictLoader, Environment, meta, nodes
from jinja2.defaults import DEFAULT_FILTERS

from bookapp.blueprints.books.board_cache import (
    BOARD_PAGE_INPUTS,
    BOARD_REQUEST_ATTRIBUTES,
    BOARD_USER_ATTRIBUTES,
    CARD_INPUTS,
)

# Names Jinja itself gives a template (a macro's `caller`, a loop's `loop`, …), not the app's context.
JINJA_OWN_NAMES = {"caller", "loop", "self", "super", "varargs", "kwargs"}
# Objects whose attributes each say something different; every attribute read must be accounted for.
WATCHED_OBJECTS = ("current_user", "request")


@dataclasses.dataclass
class TemplateReads:
    free_names: set[str] = dataclasses.field(default_factory=set)  # read, and set by no template in the tree
    attributes: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # watched object → attributes
    whole_objects: set[str] = dataclasses.field(default_factory=set)  # watched objects used other than .attr
    filters: set[str] = dataclasses.field(default_factory=set)
    templates: list[str] = dataclasses.field(default_factory=list)


def template_reads(environment: Environment, name: str) -> TemplateReads:
    """What `name` and every template it extends, includes or imports read from their context."""
    reads, loaded, stored = TemplateReads(), set(), set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in reads.templates:
            continue
        reads.templates.append(current)
        source = environment.loader.get_source(environment, current)[0]
        tree = environment.parse(source)
        for referenced in meta.find_referenced_templates(tree):
            assert referenced is not None, f"{current} names a template by a variable: cannot be checked"
            pending.append(referenced)
        _walk(tree, None, reads, loaded, stored)
    reads.free_names = loaded - stored - JINJA_OWN_NAMES
    return reads


def _walk(node: nodes.Node, parent: nodes.Node | None, reads: TemplateReads, loaded: set, stored: set) -> None:
    if isinstance(node, nodes.Name):
        (loaded if node.ctx == "load" else stored).add(node.name)
        if node.ctx == "load" and node.name in WATCHED_OBJECTS and not isinstance(parent, nodes.Getattr):
            reads.whole_objects.add(node.name)
    elif isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name) and node.node.name in WATCHED_OBJECTS:
        reads.attributes.setdefault(node.node.name, set()).add(node.attr)
    elif isinstance(node, nodes.Filter):
        reads.filters.add(node.name)
    elif isinstance(node, nodes.Macro):
        stored.add(node.name)
    elif isinstance(node, nodes.FromImport):
        stored.update(name if isinstance(name, str) else name[1] for name in node.names)
    elif isinstance(node, nodes.Import):
        stored.add(node.target)
    for child in node.iter_child_nodes():
        _walk(child, node, reads, loaded, stored)


def unaccounted_board_reads(environment: Environment) -> list[str]:
    reads = template_reads(environment, "books/board.html")
    problems = [f"reads {name!r}" for name in sorted(reads.free_names - BOARD_PAGE_INPUTS.keys())]
    problems += [f"uses {name} whole, not by attribute" for name in sorted(reads.whole_objects)]
    allowed = {"current_user": set(BOARD_USER_ATTRIBUTES), "request": set(BOARD_REQUEST_ATTRIBUTES)}
    for name, attributes in reads.attributes.items():
        problems += [f"reads {name}.{attribute}" for attribute in sorted(attributes - allowed[name])]
    return problems


def unaccounted_card_reads(environment: Environment) -> list[str]:
    reads = template_reads(environment, "books/_card_macros.html")
    problems = [f"reads {name!r}" for name in sorted(reads.free_names - CARD_INPUTS.keys())]
    # The app's own filters may read the clock or the request (a date relative to today); Jinja's own
    # filters depend only on what they are given.
    problems += [f"uses the filter {name!r}" for name in sorted(reads.filters - DEFAULT_FILTERS.keys())]
    return problems


def test_the_board_page_reads_nothing_its_cache_key_does_not_hold(app):
    reads = template_reads(app.jinja_env, "books/board.html")
    assert {"base.html", "books/_column.html", "books/_card_macros.html", "_messages.html"} <= set(reads.templates)
    assert unaccounted_board_reads(app.jinja_env) == []


def test_a_card_reads_nothing_its_version_does_not_capture(app):
    assert unaccounted_card_reads(app.jinja_env) == []


@pytest.mark.parametrize(
    ("template", "source", "problem"),
    [
        ("base.html", "{{ current_user.email }}", "reads current_user.email"),
        ("base.html", "{{ request.args.q }}", "reads request.args"),
        ("base.html", "{{ profile_of(current_user) }}", "uses current_user whole, not by attribute"),
        ("_messages.html", "{{ unread_notes }}", "reads 'unread_notes'"),
    ],
)
def test_the_board_check_notices_what_a_template_could_add(app, template, source, problem):
    """The check above is not vacuous: a layout reading something new makes it fail."""
    changed = app.jinja_env.overlay(loader=ChoiceLoader([DictLoader({template: source}), app.jinja_env.loader]))
    assert problem in unaccounted_board_reads(changed)


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("{% macro card(book) %}{{ asset_url('cover.png') }}{% endmacro %}", "reads 'asset_url'"),
        ("{% macro card(book) %}{{ book.started_on|days_ago }}{% endmacro %}", "uses the filter 'days_ago'"),
        ("{% macro card(book) %}{{ today }}{% endmacro %}", "reads 'today'"),
    ],
)
def test_the_card_check_notices_what_a_card_could_add(app, source, problem):
    changed = app.jinja_env.overlay(
        loader=ChoiceLoader([DictLoader({"books/_card_macros.html": source}), app.jinja_env.loader])
    )
    assert problem in unaccounted_card_reads(changed)


def test_the_board_key_holds_the_column_sorts_and_the_tag_filter(app, make_user):
    """What the board shows beside the books: how each column is sorted, and the tag it is filtered by."""
    from bookapp.blueprints.books.board_cache import board_page_key
    from bookapp.books import Status
    from bookapp.books.column_order import ColumnSort, Direction, SortKey

    alice = make_user("alice")
    with app.test_request_context():
        whole = board_page_key(alice)
        assert board_page_key(alice, "sci-fi") not in (whole, board_page_key(alice, "Sci-Fi"))
        for status in (Status.NOT_STARTED, Status.READING, Status.FINISHED):
            alice.sort_column(status, ColumnSort(SortKey.TITLE, Direction.DESCENDING))
            assert board_page_key(alice) != whole
            alice.sort_column(status, ColumnSort())
            assert board_page_key(alice) == whole

"""The shape of the code: the import graph has no cycle and no upward edge, and every pass over the story
model sees every kind of node (a new node type is walked by all of them, or a test here fails)."""
from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from ifengine import model
from ifengine.analysis import text_exprs
from ifengine.loader import load_story
from ifengine.model import Expr, ExprNode, FlagRef, Node
from ifengine.visit import children, node_types, strings, walk

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "ifengine"
SHOWCASE = ROOT / "examples" / "showcase"


# ---- the import graph --------------------------------------------------------------------------------


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every ifengine module this one imports at run time (function-level imports included, since they
    are real dependencies; `if TYPE_CHECKING:` blocks left out, since they never run)."""
    me = _module(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()

    def target(mod: str, name: str) -> str:
        candidate = f"{mod}.{name}"
        as_path = ROOT / candidate.replace(".", "/")
        return candidate if as_path.with_suffix(".py").exists() or as_path.is_dir() else mod

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    mod = ".".join(base + ([child.module] if child.module else []))
                else:
                    mod = child.module or ""
                if mod == "ifengine" or mod.startswith("ifengine."):
                    found.update(target(mod, a.name) for a in child.names)
            elif isinstance(child, ast.Import):
                found.update(a.name for a in child.names if a.name.startswith("ifengine"))
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    found.discard(me)
    return found


GRAPH = {_module(p): _imports(p) for p in sorted(PKG.rglob("*.py"))}


def test_the_import_graph_has_no_cycle() -> None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt == "ifengine":  # the package facade imports nothing at run time (PEP 562, lazily)
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if state.get(nxt) is None:
                visit(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(GRAPH):
        if state.get(module) is None:
            visit(module, [module])


def test_nothing_below_the_ui_imports_it() -> None:
    """The engine and the tools know nothing of Textual: only the UI itself and the command line above
    it import `ifengine.ui`."""
    upward = sorted(f"{m} -> {t}" for m, targets in GRAPH.items() for t in targets
                    if t.startswith("ifengine.ui") and not (m.startswith("ifengine.ui") or m == "ifengine.cli"))
    assert not upward


def test_the_engine_imports_neither_textual_nor_rich() -> None:
    engine = ["runtime", "program", "state", "compile", "views", "model", "visit", "analysis", "errors", "saves",
              "loader", "parser", "build", "check", "launch"]
    for name in engine:
        tree = ast.parse((PKG / f"{name}.py").read_text(encoding="utf-8"))
        mods = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        mods |= {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert not {m for m in mods if m.split(".")[0] in ("textual", "rich", "pygments")}, name


def test_the_graph_reader_sees_real_edges() -> None:
    """The reader itself must work, or the two tests above prove nothing."""
    assert "ifengine.runtime" in GRAPH["ifengine.launch"]
    assert "ifengine.ui.app" in GRAPH["ifengine.cli"]  # a function-level import
    assert "ifengine.model" not in GRAPH["ifengine.saves"]  # only under TYPE_CHECKING there


# ---- one walk over the model -------------------------------------------------------------------------


def test_every_model_class_is_a_node_and_every_expression_is_in_expr() -> None:
    classes = [v for v in vars(model).values() if isinstance(v, type) and v.__module__ == model.__name__
               and hasattr(v, "__dataclass_fields__")]
    assert classes and all(issubclass(c, Node) for c in classes)
    exprs = {t for t in node_types() if issubclass(t, ExprNode)}
    assert exprs == set(typing.get_args(Expr))


def _sample(cls: type) -> Node:
    """An instance of a node type, from the showcase story (which uses every construct)."""
    for node in _SHOWCASE_NODES:
        if type(node) is cls:
            return node
    raise AssertionError(f"the showcase story has no {cls.__name__} node: add the construct to it")


_STORY = load_story(SHOWCASE)
_SHOWCASE_NODES = [*walk(_STORY), *(n for f in _STORY.files for n in walk(f))]


@pytest.mark.parametrize("cls", node_types(), ids=lambda c: c.__name__)
def test_the_walk_sees_every_child_of_every_node_type(cls: type) -> None:
    node = _sample(cls)
    expected = []
    for name in node.__dataclass_fields__:
        value = getattr(node, name)
        items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else (value,)
        expected += [v for v in items if isinstance(v, Node)]
    assert list(children(node)) == expected
    below = list(walk(node))
    assert below[0] is node and all(any(c is b for b in below) for c in expected)


def _top_level_exprs(roots) -> list[Expr]:
    """Expressions whose parent is not an expression: the ones a pass must give a role."""
    found = []
    for root in roots:
        for node in walk(root):
            if not isinstance(node, ExprNode):
                found += [c for c in children(node) if isinstance(c, ExprNode)]
    return found


def test_the_explorer_sorts_every_expression_of_the_story() -> None:
    from ifengine.explore.abstraction import _collect

    uses = _collect(_STORY)
    sorted_ = uses.always + [e for e, _ in uses.effects] + [e for e, _ in uses.guards] + uses.text
    want = _top_level_exprs(_STORY.scenes.values())
    assert sorted(map(id, sorted_)) == sorted(map(id, want))


def test_the_checker_and_the_statistics_see_every_flag_read() -> None:
    from ifengine.check import _Checker
    from ifengine.stats import flag_uses

    refs = {n.name for s in _STORY.scenes.values() for n in walk(s) if isinstance(n, FlagRef)}
    checker = _Checker(_STORY)
    checker.run(semantic=False)
    assert checker.read_flags == refs
    assert {name for name, use in flag_uses(_STORY).items() if use.read_at} == refs


def test_text_exprs_and_strings_cover_inline_ifs_at_any_depth() -> None:
    from ifengine.model import InlineIf, Interp, Literal
    from ifengine.source import Span

    at = Span("t", 1, 1)
    inner = InlineIf(Literal(True, at), ("deep ", Interp(FlagRef("x", at), at)), ("other",), at)
    text = ("top ", InlineIf(FlagRef("y", at), ("mid ", inner), (), at))
    assert [e.name if isinstance(e, FlagRef) else e.value for e in text_exprs(text)] == ["y", True, "x"]
    assert sorted(strings(text)) == ["deep ", "mid ", "other", "top "]


# ---- rules per node type: a new type cannot be skipped quietly -----------------------------------------


def _tables():
    from ifengine import check, codegen, compile, graph

    return {
        "compiler expressions": (compile._EXPR_RULES, set(typing.get_args(Expr))),
        "compiler text parts": (compile._PART_RULES, set(typing.get_args(model.TextPart))),
        "code generator expressions": (codegen._EXPR_SOURCE, set(typing.get_args(Expr))),
        "code generator text parts": (codegen._PART_SOURCE, set(typing.get_args(model.TextPart))),
        "code generator body items": (codegen._STATEMENT_SOURCE, set(typing.get_args(model.BodyItem))),
        "type checker": (check._TYPE_RULES, set(typing.get_args(Expr))),
        "graph expressions": (graph._SOURCE_RULES, set(typing.get_args(Expr))),
        "graph text parts": (graph._PART_SOURCE, set(typing.get_args(model.TextPart))),
    }


@pytest.mark.parametrize("name", list(_tables()))
def test_each_dispatch_table_has_a_rule_for_every_node_of_its_kind(name: str) -> None:
    table, kinds = _tables()[name]
    assert set(table.rules) == kinds


def test_a_node_with_no_rule_fails_loudly() -> None:
    from ifengine import compile

    class Mystery(ExprNode):
        __slots__ = ()

    with pytest.raises(TypeError, match="the compiler has no rule for Mystery nodes"):
        compile.compile_expr(Mystery())  # type: ignore[arg-type]

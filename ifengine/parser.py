"""Grammar loading and parsing: one lark LALR parser per process, scene-by-scene error recovery,
and syntax errors phrased for writers."""
from __future__ import annotations

import functools
import gc
import re
from importlib.resources import files
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr
from lark.utils import TextSlice

from .diagnostics import Diagnostic
from .source import SourceFile

# A section starts at each scene header; parsing them apart lets one bad scene
# leave the rest of the file checkable (and several errors reported per run).
SECTION_START = re.compile(r"^[ \t]*===", re.M)

MARKERS = "*+~?=@{}|"
TEXTUAL = {"TEXT_START", "TEXT_CONT", "TEXT_IN", "LABEL_TEXT", "REST", "ROLE_NAME", "VIEWPOINT"}

FRIENDLY = {
    "$END": "end of file",
    "_NL": "end of line",
    "SCENE_ID": "a scene id",
    "FLAG": "a flag name",
    "INT": "a number",
    "STRING": "a quoted string",
    "TEXT_START": "text",
    "TEXT_CONT": "text",
    "TEXT_IN": "text",
    "LABEL_TEXT": "label text",
    "REST": "text",
    "ROLE_NAME": "the role's name",
    "VIEWPOINT": "a viewpoint",
    "CHOICE_MARK": "'*' or '+'",
    "IF_MARK": "'~ if'",
    "ELIF_MARK": "'~ elif'",
    "ELSE_MARK": "'~ else'",
    "END_MARK": "'~ end'",
    "ASSIGN_OP": "'=', '+=' or '-='",
    "COMP_OP": "a comparison",
    "MUL_OP": "'*' or '/'",
    "_HEADER": "'==='",
}

# What the parser had just read, for "expected X after Y" messages.
AFTER = {
    "label": "the choice label",
    "RSQB": "the choice label",
    "CONTINUE": "'continue'",
    "FALLBACK": "'fallback'",
    "CHOICE_MARK": "the choice marker",
    "_HEADER": "'==='",
    "choice_id": "the choice id",
    "viewpoint": "the viewpoint",
}


def grammar_source() -> tuple[str, str]:
    """The grammar text and its path: the packaged copy in a wheel, else the checkout's `grammar/`."""
    packaged = files("ifengine").joinpath("grammar", "story.lark")
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8"), str(packaged)
    repo = Path(__file__).resolve().parent.parent / "grammar" / "story.lark"
    return repo.read_text(encoding="utf-8"), str(repo)


@functools.cache
def story_parser(strict: bool = False) -> Lark:
    """The one parser of this process (building the LALR tables costs milliseconds; do it once)."""
    text, path = grammar_source()
    return Lark(text, parser="lalr", propagate_positions=True, source_path=path, strict=strict)


def describe_terminal(name: str) -> str:
    if name in FRIENDLY:
        return FRIENDLY[name]
    try:
        pattern = story_parser().get_terminal(name).pattern
    except KeyError:
        return name.lower()
    if isinstance(pattern, PatternStr):
        return f"'{pattern.value}'"
    return name.lower()


def _found(token: Token) -> str:
    if token.type == "$END":
        return "end of file"
    if token.type == "_NL":
        return "end of line"
    value = str(token)
    if len(value) > 30:
        value = value[:27] + "..."
    kind = describe_terminal(token.type)
    return f"{kind} {value!r}" if not kind.startswith("'") else kind


def _after(e: UnexpectedInput) -> str:
    state = getattr(e, "state", None) or getattr(getattr(e, "interactive_parser", None), "parser_state", None)
    stack = getattr(state, "value_stack", None)
    if not stack:
        return ""
    last = stack[-1]
    key = last.data if isinstance(last, Tree) else getattr(last, "type", "")
    what = AFTER.get(str(key))
    return f" after {what}" if what else ""


def _wanted(names: object) -> str:
    described = sorted({describe_terminal(n) for n in (names or ())})
    if not described:
        return "something else"
    if len(described) > 6:
        described = described[:6] + ["..."]
    return " or ".join(described) if len(described) <= 2 else ", ".join(described[:-1]) + " or " + described[-1]


def syntax_diagnostic(e: UnexpectedInput, src: SourceFile) -> Diagnostic:
    """Turn a lark error into one sentence a writer understands, at the right line and column."""
    text = src.text
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        line = e.line if isinstance(e.line, int) and e.line > 0 else text.count("\n") + 1
        col = e.column if isinstance(e.column, int) and e.column > 0 else 1
        found = "end of file"
        wanted = getattr(e, "accepts", None) or getattr(e, "expected", None)
    elif isinstance(e, UnexpectedToken):
        line, col, found = e.line, e.column, _found(e.token)
        wanted = e.accepts or e.expected
    else:
        assert isinstance(e, UnexpectedCharacters)
        line, col = e.line, e.column
        found = f"character {e.char!r}"
        wanted = e.allowed
    message = f"expected {_wanted(wanted)}{_after(e)}, found {found}"
    line_text = src.line_text(line)
    first = line_text[col - 1: col]
    if first and first in MARKERS and line_text[: col - 1].strip() == "" and (
        isinstance(e, UnexpectedCharacters) or getattr(e, "token", Token("X", "")).type in TEXTUAL
    ):
        message = (f"a line of prose may not begin with '{first}' (it marks structure lines); "
                   f"write '\\{first}' to start prose with it")
    return Diagnostic(src.name, line, col, message, "IFS100")


def parse_source(src: SourceFile) -> tuple[list[Tree | Token], list[Diagnostic]]:
    """Parse a file section by section; return the top-level items of every good section and one
    diagnostic per bad one. Positions stay absolute in the file."""
    text = src.text
    parser = story_parser()
    cuts = sorted({0, *(m.start() for m in SECTION_START.finditer(text)), len(text)})
    items: list[Tree | Token] = []
    diags: list[Diagnostic] = []
    was_enabled = gc.isenabled()
    gc.disable()  # the cyclic collector makes big parses superlinear (GUIDE 1.3)
    try:
        for a, b in zip(cuts, cuts[1:]):
            try:
                items += parser.parse(TextSlice(text, a, b)).children
            except UnexpectedInput as e:
                diags.append(syntax_diagnostic(e, src))
    finally:
        if was_enabled:
            gc.enable()
    return items, diags

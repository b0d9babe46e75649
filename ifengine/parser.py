"""Grammar loading and parsing: one lark LALR parser per process, its tables kept in the user's cache
between processes, scene-by-scene error recovery, and syntax errors phrased for writers."""
from __future__ import annotations

import difflib
import functools
import re
import threading
from pathlib import Path
from typing import Iterable

import lark.lexer
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.grammar import Rule
from lark.lexer import PatternStr, TerminalDef
from lark.utils import TextSlice

from . import grammar_file
from .grammar_file import grammar_source  # noqa: F401  where it always was, for its callers
from .cache import digest, read_entry, write_entry
from .codec import Codec
from .diagnostics import Diagnostic
from .source import SourceFile

# A section starts at each scene header and each directive (`@flag`, `@story`, ...); parsing them apart
# lets one bad scene or one bad line of the header leave the rest of the file checkable, and several
# errors reported per run. (Prose may not begin with '@', so a directive line is always a new section.)
SECTION_START = re.compile(r"^[ \t]*(?:===|@)", re.M)

MARKERS = "*+~?=@{}|#"
TEXTUAL = {"TEXT_START", "TEXT_CONT", "TEXT_IN", "LABEL_TEXT", "REST", "SCENE_TITLE", "ROLE_NAME", "VIEWPOINT"}

# Deeper parse trees (an expression of 100 operators, 100 nested `~ if` blocks) are refused: the
# builder, checker and engine walk the model recursively. No story comes near it.
MAX_DEPTH = 100

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
    "SCENE_TITLE": "a title",
    "TAG": "a tag",
    "TYPE_NAME": "a type",
    "SPELL": "words() or ordinal()",
    "ROLE_NAME": "the role's name",
    "VIEWPOINT": "a viewpoint",
    "CHOICE_MARK": "'*' or '+'",
    "IF_MARK": "'~ if'",
    "ELIF_MARK": "'~ elif'",
    "ELSE_MARK": "'~ else'",
    "END_MARK": "'~ end'",
    "GATHER_MARK": "'~ gather'",
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


@functools.cache
def story_parser(strict: bool = False) -> Lark:
    """The one parser of this process. Building lark's LALR tables costs about 70 ms (over 200 more when
    `interegular` is installed and lark looks for colliding terminals), so they are built once per grammar:
    the package ships them (`grammar/story.tables`, for the lark it was made with), and tables built here,
    for another lark, are kept in the user's cache; a later process loads either in a few milliseconds.
    `strict` (the tests) builds afresh with every check lark has."""
    text, path = grammar_file.grammar_source()
    if strict:
        return _build(text, path, strict=True)
    key = grammar_file.grammar_digest()
    for payload in (_shipped(key), read_entry("parser", "story", key)):
        if payload is not None:
            try:
                return Lark.load(_LARK_DATA.loads(payload))  # Lark.load takes the dict `memo_serialize` made
            except Exception:  # noqa: BLE001  tables that passed their digest yet fail to load: build afresh
                pass
    parser = _build(text, path)
    write_entry("parser", "story", key, _tables(parser))
    return parser


def _tables(parser: Lark) -> bytes:
    data, memo = parser.memo_serialize([TerminalDef, Rule])
    return _LARK_DATA.dumps({"data": data, "memo": memo}).encode("utf-8")


def _shipped(key: str) -> bytes | None:
    """The shipped tables when they were made from this grammar by this lark (`key`, as the cache's)."""
    found = grammar_file.shipped_tables()
    if found is None:
        return None
    made_for, _, rest = found.partition(b"\n")
    _, _, payload = rest.partition(b"\n")
    return payload if made_for == key.encode("ascii") else None


def write_shipped_tables() -> Path:
    """Write `grammar/story.tables` in a checkout: the tables `story_parser` loads when nothing is cached.
    Its first line is what it was made for (the grammar and the lark: `grammar_digest`), its second the
    grammar text's digest alone (tests/test_grammar.py: an edit of the grammar needs new tables, a new lark
    only makes them unused). Run after editing `grammar/story.lark`:
    `python -c "from ifengine.parser import write_shipped_tables as w; print(w())"`."""
    text, path = grammar_file.grammar_source()
    target = Path(path).with_name("story.tables")
    head = f"{grammar_file.grammar_digest()}\n{digest(text)}\n".encode("ascii")
    target.write_bytes(head + _tables(_build(text, path)))
    return target


# lark's serialised tables are plain data (dicts with int keys, tuples): JSON through the codec, never pickle.
_LARK_DATA = Codec()
_BUILDING = threading.Lock()


def _build(text: str, path: str, strict: bool = False) -> Lark:
    """Build the parser. Unless `strict`, without lark's search for colliding terminals: with `interegular`
    installed it costs three times the build, and reports, as log warnings nobody reads in play, what the
    strict build in the tests turns into errors."""
    # No propagate_positions: it costs about 40% of a parse. Tokens carry positions; the builder takes a
    # node's span from its first token (the grammar keeps the tokens spans start at).
    with _BUILDING:  # the switch is lark's module global: one build at a time
        checks = getattr(lark.lexer, "has_interegular", False)
        lark.lexer.has_interegular = checks and strict
        try:
            return Lark(text, parser="lalr", source_path=path, strict=strict)
        finally:
            lark.lexer.has_interegular = checks


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
    # A fixed mark ('*', '===', '+=') names itself; "found '*' or '+'" would describe the terminal, not the text.
    return f"{kind} {value!r}" if not kind.startswith("'") else f"'{' '.join(value.split())}'"


def _after(e: UnexpectedInput) -> str:
    state = getattr(e, "state", None) or getattr(getattr(e, "interactive_parser", None), "parser_state", None)
    stack = getattr(state, "value_stack", None)
    if not stack:
        return ""
    last = stack[-1]
    key = last.data if isinstance(last, Tree) else getattr(last, "type", "")
    what = AFTER.get(str(key))
    return f" after {what}" if what else ""


def _in_choice(e: UnexpectedInput) -> bool:
    """Whether the parser stopped inside a choice (its clauses or its response): the choice's marker is
    still on the stack, not yet reduced into a choice."""
    state = getattr(e, "state", None) or getattr(getattr(e, "interactive_parser", None), "parser_state", None)
    stack = getattr(state, "value_stack", None) or ()
    return any(isinstance(v, Token) and v.type == "CHOICE_MARK" for v in stack)


# The terminals an expression can start with: when all of these are wanted, say "an expression".
EXPR_START = {"FLAG", "INT", "STRING", "TRUE", "FALSE", "MINUS", "LPAR", "NOT", "VISITS", "SEEN", "ROLL", "CHANCE",
              "SPELL", "COUNT"}
# A whole call line (`-> report ->`): any other line that begins with `->` is a mistake said as one.
CALL_LINE = re.compile(r"->[ \t]*[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*[ \t]*->[ \t]*(?://.*)?$")
BLOCK_LINE = re.compile(r"~[ \t]*(if|elif|else|end)\b")


def _wanted(terminals: Iterable[str] | None) -> str:
    names = set(terminals or ())
    if "_ARROW" in names:  # text after a label or `continue`: the arrow is missing, whatever else may end the line
        names -= {"TAG", "_NL"}
    expression = {"FLAG", "INT"} <= names
    described = sorted({describe_terminal(n) for n in names if not (expression and n in EXPR_START)})
    if expression:
        described.insert(0, "an expression")
    if not described:
        return "something else"
    if len(described) > 6:
        described = described[:6] + ["..."]
    return " or ".join(described) if len(described) <= 2 else ", ".join(described[:-1]) + " or " + described[-1]


# A scene header with a word before its id: the word must be a kind of scene.
SCENE_KIND_LINE = re.compile(r"^[ \t]*===[ \t]*([A-Za-z_]+)[ \t]+[a-z][a-z0-9_-]*[ \t]*(?:[(:]|$)")
SCENE_KINDS = ["ending", "extend", "interlude"]
DIRECTIVE_LINE = re.compile(r"^[ \t]*@([A-Za-z_]*)")
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.cache
def directives() -> list[str]:
    """The directive words the grammar knows (`story`, `flag`, ...), from its terminals."""
    return sorted(t.pattern.value[1:] for t in story_parser().terminals
                  if isinstance(t.pattern, PatternStr) and t.pattern.value.startswith("@"))


def _did_you_mean(line_text: str, col: int, wanted: Iterable[str] | None) -> str:
    """A hint when the word at the error is a misspelt keyword the parser wanted there ('flase')."""
    word = WORD.match(line_text, col - 1)
    if word is None:
        return ""
    keywords = []
    for name in wanted or ():
        try:
            pattern = story_parser().get_terminal(name).pattern
        except KeyError:
            continue
        if isinstance(pattern, PatternStr) and WORD.fullmatch(pattern.value):
            keywords.append(pattern.value)
    close = difflib.get_close_matches(word.group(0), keywords, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


# `{word:` where the word is no expression: a kind of text alternative, or `if`, misspelt.
BRACE_WORD = re.compile(r"\{[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")
BRACE_KINDS = ["cycle", "if", "once", "shuffle", "stopping"]


def _misspelt_alternative(line_text: str, col: int) -> tuple[int, str] | None:
    """(column, message) when the error is at the ':' of `{stoping: ...}`."""
    for m in BRACE_WORD.finditer(line_text):
        if m.start(1) < col <= m.end() and m.group(1) not in BRACE_KINDS:
            close = difflib.get_close_matches(m.group(1), BRACE_KINDS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return m.start(1) + 1, (f"'{m.group(1)}' is not a kind of inline text{hint}: write "
                                    f"{{if cond: ...}}, or text alternatives {{stopping: a | b}}, {{cycle: ...}}, "
                                    f"{{once: ...}} or {{shuffle: ...}}")
    return None


def syntax_diagnostic(e: UnexpectedInput, src: SourceFile, section_end: int | None = None) -> Diagnostic:
    """Turn a lark error into one sentence a writer understands, at the right line and column.
    `section_end` is where the parsed section stopped: the end of the parse is only the end of the
    file when it equals the file's length; otherwise it is the next scene header."""
    text = src.text
    end = len(text) if section_end is None else section_end
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        line = e.line if isinstance(e.line, int) and e.line > 0 else text.count("\n", 0, end) + 1
        col = e.column if isinstance(e.column, int) and e.column > 0 else 1
        next_header = text.count("\n", 0, end) + 1
        found = "end of file" if end >= len(text) else f"the next scene header (line {next_header})"
        wanted = getattr(e, "accepts", None) or getattr(e, "expected", None)
    elif isinstance(e, UnexpectedToken):
        line, col, found = e.line, e.column, _found(e.token)
        wanted = e.accepts or e.expected
    else:
        assert isinstance(e, UnexpectedCharacters)
        line, col = e.line, e.column
        found = f"character {e.char!r}"
        wanted = e.allowed
    line_text = src.line_text(line)
    message = f"expected {_wanted(wanted)}{_after(e)}, found {found}{_did_you_mean(line_text, col, wanted)}"
    first = line_text[col - 1: col]
    directive = DIRECTIVE_LINE.match(line_text)
    meant = difflib.get_close_matches(directive.group(1), directives(), n=1) if directive else []
    if directive and meant and directive.group(1) not in directives():  # else it may be prose: see below
        col = directive.start(1)
        known = directives()
        message = (f"'@{directive.group(1)}' is not a directive (did you mean @{meant[0]}?): they are "
                   f"{', '.join('@' + d for d in known[:-1])} and @{known[-1]}")
    elif (alt := _misspelt_alternative(line_text, col)) is not None:
        col, message = alt
    elif (kind := SCENE_KIND_LINE.match(line_text)) and kind.group(1) not in SCENE_KINDS:
        col = kind.start(1) + 1
        close = difflib.get_close_matches(kind.group(1), SCENE_KINDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        message = (f"'{kind.group(1)}' is not a kind of scene{hint}: a header is '=== id: Title', "
                   f"'=== interlude id (viewpoint): Title', '=== ending id (kind): Title' or '=== extend id'")
    elif first and first in MARKERS and line_text[: col - 1].strip() == "" and (
        isinstance(e, UnexpectedCharacters) or getattr(e, "token", Token("X", "")).type in TEXTUAL
    ):
        message = (f"a line of prose may not begin with '{first}' (it marks structure lines); "
                   f"write '\\{first}' to start prose with it")
        if first == "?" and _in_choice(e):
            message = ("a choice's '?' lines go right under it, before its response: move this line up, or "
                       "write '\\?' to start prose with it")
        if first == "#":
            message = ("a line may not begin with '#': tags go at the end of the line they tag (a scene header, "
                       "a choice, a line of prose); write '\\#' to start prose with the character")
    wanted_names = set(wanted or ())
    stripped = line_text.strip()
    block = BLOCK_LINE.match(stripped)
    if stripped.startswith("->") and not CALL_LINE.match(stripped):
        col = len(line_text) - len(line_text.lstrip()) + 1
        message = ("a line that begins with '->' calls a tunnel and says nothing else: '-> tunnel ->' (to go to a "
                   "scene, give the scene a choice: '* continue -> scene'); write '\\->' to start prose with it")
    elif "ASSIGN_OP" in wanted_names and block:
        col = len(line_text) - len(line_text.lstrip()) + 1
        word = block.group(1)
        where = "a scene's body or a choice's response" + ("" if word == "if" else ", after a '~ if'")
        message = (f"'~ {word}' lines belong in {where}; to make a choice depend on something, give it a '?' line")
    elif "CHOICE_MARK" in wanted_names and col == len(line_text) - len(line_text.lstrip()) + 1 and (
        isinstance(e, UnexpectedCharacters) or getattr(e, "token", Token("X", "")).type in TEXTUAL
    ) and stripped[:1] not in MARKERS:
        message = ("prose must come before a scene's choices: move this line above the first choice, "
                   "or start a new scene with '==='")
    return Diagnostic(src.name, line, col, message, "IFS100")


def too_deep(tree: Tree, depth: int = 0) -> tuple[int, int] | None:
    """Where (line, column) the tree first nests deeper than MAX_DEPTH, counting a chain `a + b + c` as
    the operators it builds; None when the tree is shallow enough. Iterative: the point is to spare the
    recursive builder, checker and engine a RecursionError."""
    from .build import chain_depth

    stack: list[tuple[Tree, int]] = [(tree, depth)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        kids = node.children
        depth += chain_depth(kids) if node.data == "chain" else 1
        if depth > MAX_DEPTH:
            from .build import first_token

            tok = first_token(node)
            if tok is None or tok.line is None or tok.column is None:
                return (1, 1)
            return (tok.line, tok.column)
        for kid in reversed(kids):  # in source order, so the first problem is the one reported
            if type(kid) is Tree:
                push((kid, depth))
    return None


def _too_deep_diagnostic(src: SourceFile, where: tuple[int, int]) -> Diagnostic:
    return Diagnostic(src.name, where[0], where[1],
                      f"this is nested too deeply: more than {MAX_DEPTH} levels of expressions, "
                      f"'~ if' blocks or inline conditions", "IFS100")


def parse_source(src: SourceFile) -> tuple[list[Tree], list[Diagnostic]]:
    """Parse a file; return its top-level items and the syntax diagnostics.

    A clean file is parsed in one go. Only when that fails is it parsed again section by section
    (cut at scene headers), so each bad scene gets its own diagnostic and the good ones still build.
    Positions stay absolute in the file either way."""
    text = src.text
    parser = story_parser()
    try:
        sections = [parser.parse(text)]
        diags: list[Diagnostic] = []
    except UnexpectedInput:
        sections, diags = _parse_sections(src)
    items: list[Tree] = []
    for tree in sections:
        for item in tree.children:
            assert isinstance(item, Tree)  # the top level holds rules only: directives, scenes, extends
            deep = too_deep(item, 1)  # 1: the file's root above it
            if deep is not None:
                diags.append(_too_deep_diagnostic(src, deep))
            else:
                items.append(item)
    return items, diags


def _parse_sections(src: SourceFile) -> tuple[list[Tree], list[Diagnostic]]:
    text = src.text
    parser = story_parser()
    cuts = sorted({0, *(m.start() for m in SECTION_START.finditer(text)), len(text)})
    trees: list[Tree] = []
    diags: list[Diagnostic] = []
    for a, b in zip(cuts, cuts[1:]):
        try:
            trees.append(parser.parse(TextSlice(text, a, b)))
        except UnexpectedInput as e:
            diags.append(syntax_diagnostic(e, src, b))
    return trees, diags

"""Syntax colouring for story scripts: a Pygments lexer (`pygmentize -l ifs`, rich's `Syntax`), and helpers that
colour one line for diagnostics (`highlight_ansi`) and for the Textual player's error panel (`highlight_line`).

The lexer follows grammar/story.lark: a line's first character decides what it is (`@` directive, `===`
header, `*`/`+` choice, `?` condition, `~` effect or block, anything else prose), so any single line can be
coloured without its file around it. It never fails: text it does not understand is left plain.
"""
from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, default, include, words
from pygments.token import (
    Comment, Error, Generic, Keyword, Name, Number, Operator, Punctuation, String, Text, Token, Whitespace,
)

__all__ = ["IfsLexer", "highlight_ansi", "highlight_line"]

_ID = r"[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*"
_TAG = r"#[A-Za-z](?:[^\n#/\\]|#(?![A-Za-z])|/(?!/)|\\.)*"  # a tag: `#name` or `#name: value`, to the next tag or comment


def _inline_text(depth: int) -> list:
    """The rules for the text inside braces (an inline if's branches, an alternative's options), which leave
    `depth` states at the closing '}' (one more at a line's end)."""
    return [
        (r"\|", Punctuation),
        (r"\}", String.Interpol, f"#pop:{depth}"),
        (r"\n", Whitespace, f"#pop:{depth + 1}"),
        (r"\\.", String.Escape),
        (r"\{", String.Interpol, "interp"),
        (r"[^\n{}|\\\]]+|\]", Text),
    ]


_KEYWORDS = ("and", "or", "not", "in", "if", "else")


class IfsLexer(RegexLexer):
    """Lexer for ifengine story scripts (`.ifs`)."""

    name = "ifengine story"
    aliases = ["ifs", "ifengine"]
    filenames = ["*.ifs"]
    mimetypes = ["text/x-ifs"]

    tokens = {
        "root": [
            (r"\n", Whitespace),
            (r"[ \t]+", Whitespace),
            (r"//.*", Comment.Single),
            (r"(@)(story|start)\b", bygroups(Keyword.Namespace, Keyword.Namespace), "directive-id"),
            (r"(@)(title|blurb)\b", bygroups(Keyword.Namespace, Keyword.Namespace), "directive-rest"),
            (r"(@)(role)\b", bygroups(Keyword.Namespace, Keyword.Namespace), "directive-role"),
            (r"(@)(include)\b", bygroups(Keyword.Namespace, Keyword.Namespace), "directive-expr"),
            (r"(@)(flag)\b", bygroups(Keyword.Namespace, Keyword.Namespace), "directive-flag"),
            (r"@\S*", Error, "directive-rest"),
            (r"===", Generic.Heading, "header"),
            (r"[*+]", Keyword.Reserved, "choice"),
            (r"\?", Keyword.Reserved, "condition"),
            (r"(~)([ \t]*)(if|elif)\b", bygroups(Keyword.Reserved, Whitespace, Keyword), "expr-line"),
            (r"(~)([ \t]*)(else|end)\b", bygroups(Keyword.Reserved, Whitespace, Keyword), "line-end"),
            # a gather is `~ gather` alone on its line (`~ gather = 1` sets a flag named gather)
            (r"(~)([ \t]*)(gather)(?=[ \t]*(?://|\n|$))", bygroups(Keyword.Reserved, Whitespace, Keyword), "line-end"),
            (r"(~)([ \t]*)(toggle)\b", bygroups(Keyword.Reserved, Whitespace, Keyword), "expr-line"),
            # a line that calls a tunnel (`-> casualty-report ->`); prose never begins with `->`
            (r"(->)([ \t]*)(" + _ID + r")([ \t]*)(->)", bygroups(Operator, Whitespace, Name.Function, Whitespace, Operator),
             "line-end"),
            (r"~", Keyword.Reserved, "effect"),
            default("prose"),
        ],
        # the end of any structure line: a comment, then back to root
        "line-end": [
            (r"\n", Whitespace, "#pop"),
            (r"[ \t]+", Whitespace),
            (r"//.*", Comment.Single),
            (r"[^\n]", Error),
        ],
        "directive-id": [
            (_ID, Name.Label),
            include("line-end"),
        ],
        "directive-rest": [
            (r"\n", Whitespace, "#pop"),
            (r"//.*", Comment.Single),
            (r"\\.", String.Escape),
            (r"[^\n/\\]+|/", String),
        ],
        "directive-role": [
            (r"(:)", Punctuation, "directive-rest-after"),
            (r"\n", Whitespace, "#pop"),
            (r"//.*", Comment.Single),
            (r"\\.", String.Escape),
            (r"[^\n:/\\]+|/", Name.Entity),
        ],
        "directive-rest-after": [
            (r"\n", Whitespace, "#pop:2"),
            (r"//.*", Comment.Single),
            (r"\\.", String.Escape),
            (r"[^\n/\\]+|/", String),
        ],
        "directive-expr": [
            include("expr"),
            include("line-end"),
        ],
        "directive-flag": [
            (r"(bool|int|str|enum|set)\b", Keyword.Type),
            (r"of\b", Keyword),
            (r"[|{},]", Punctuation),
            (r"\.\.", Operator),
            (r"[:=]", Punctuation),
            (r"[a-z][a-z0-9_]*", Name.Variable),
            include("expr"),
            include("line-end"),
        ],
        "header": [
            (words(("interlude", "ending", "extend"), suffix=r"(?![a-z0-9_-])"), Keyword.Declaration),
            (_ID, Name.Function),
            (r"(\()([^\n()]*)(\))", bygroups(Punctuation, Name.Decorator, Punctuation)),
            (r"(:)([ \t]*)((?:[^\n/\\#]|#(?![A-Za-z])|/(?!/)|\\.)*)", bygroups(Punctuation, Whitespace, Generic.Heading)),
            (_TAG, Name.Tag),
            include("line-end"),
        ],
        "choice": [
            (r"(\()([ \t]*)(" + _ID + r")([ \t]*)(\))",
             bygroups(Punctuation, Whitespace, Name.Label, Whitespace, Punctuation)),
            (words(("canon",), suffix=r"\b"), Keyword.Pseudo),
            (words(("continue", "fallback"), suffix=r"\b"), Keyword),
            (r"\[", Punctuation, "label"),
            (r"(->)([ \t]*)(return)(?![a-z0-9_-])", bygroups(Operator, Whitespace, Keyword)),  # back from a tunnel
            (r"->", Operator),
            (_ID, Name.Function),
            (_TAG, Name.Tag),
            include("line-end"),
        ],
        "label": [
            (r"\]", Punctuation, "#pop"),
            (r"\n", Whitespace, "#pop:2"),
            (r"\\.", String.Escape),
            (r"\{", String.Interpol, "interp"),
            (r"//.*", Comment.Single),
            (r"[^\]\n{}\\/]+|/", Text),
            (r"\}", Error),
        ],
        "condition": [
            (r"\belse\b", Keyword),
            include("expr"),
            include("line-end"),
        ],
        "effect": [
            (r"\+=|-=|=", Operator),
            include("expr"),
            include("line-end"),
        ],
        "expr-line": [
            include("expr"),
            include("line-end"),
        ],
        "expr": [
            (r"[ \t]+", Whitespace),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (r'"[^\n]*', Error),
            (r"[0-9]+", Number.Integer),
            (words(("true", "false"), suffix=r"\b"), Keyword.Constant),
            (words(_KEYWORDS, suffix=r"\b"), Keyword),
            (r"(visits|seen)(\()([ \t]*)(" + _ID + r")([ \t]*)(\))",
             bygroups(Name.Builtin, Punctuation, Whitespace, Name.Function, Whitespace, Punctuation)),
            (words(("roll", "chance", "visits", "seen", "words", "Words", "ordinal", "Ordinal", "count"), suffix=r"\b"),
             Name.Builtin),
            (r"==|!=|<=|>=|<|>|\+|-|\*|/(?!/)", Operator),
            (r"[()]", Punctuation),
            (r"[a-z][a-z0-9_]*", Name.Variable),
        ],
        # a line of prose, with {interpolation} and {if cond: inline | text}
        "prose": [
            (r"\n", Whitespace, "#pop"),
            (r"\\.", String.Escape),
            (r"\{", String.Interpol, "interp"),
            (r"//.*", Comment.Single),
            (_TAG, Name.Tag),
            (r"[^\n{}\\/#]+|/|#", Text),
            (r"\}", Error),
        ],
        "interp": [
            (r"\}", String.Interpol, "#pop"),
            (r"\n", Whitespace, "#pop:2"),
            (r"(if)\b", Keyword, "inline-cond"),
            (r"(stopping|cycle|once|shuffle)([ \t]*)(:)", bygroups(Keyword, Whitespace, Punctuation), "alt-text"),
            include("expr"),
            (r"[^\n}]", Error),
        ],
        "inline-cond": [
            (r":", Punctuation, "inline-text"),
            (r"\}", String.Interpol, "#pop:2"),
            (r"\n", Whitespace, "#pop:3"),
            include("expr"),
            (r"[^\n}:]", Error),
        ],
        "inline-text": _inline_text(3),  # {if c: a | b}: interp, inline-cond and this to leave at its '}'
        "alt-text": _inline_text(2),  # {cycle: a | b}: interp and this
    }

    def analyse_text(text: str) -> float:  # type: ignore[override]  # pygments calls it unbound
        if "\n=== " in "\n" + text and ("@story" in text or "@start" in text):
            return 0.8
        return 0.3 if "\n=== " in "\n" + text else 0.0


# ---- colouring one line ---------------------------------------------------------------------------

# token type -> (rich style, ANSI SGR codes). Kept to the 16 standard colours, so any terminal theme works.
STYLES: dict[object, tuple[str, str]] = {
    Comment: ("dim italic", "2;3"),
    Keyword.Namespace: ("bold magenta", "1;35"),
    Keyword.Declaration: ("bold magenta", "1;35"),
    Keyword.Reserved: ("bold yellow", "1;33"),
    Keyword.Pseudo: ("bold yellow", "1;33"),
    Keyword.Constant: ("cyan", "36"),
    Keyword.Type: ("green", "32"),
    Keyword: ("magenta", "35"),
    Generic.Heading: ("bold", "1"),
    Name.Function: ("bold blue", "1;34"),
    Name.Label: ("blue", "34"),
    Name.Decorator: ("italic cyan", "3;36"),
    Name.Entity: ("bold", "1"),
    Name.Builtin: ("cyan", "36"),
    Name.Variable: ("green", "32"),
    String.Interpol: ("bold cyan", "1;36"),
    String.Escape: ("yellow", "33"),
    String: ("yellow", "33"),
    Number: ("cyan", "36"),
    Operator: ("yellow", "33"),
    Error: ("bold red", "1;31"),
}


def _style(tok: object) -> tuple[str, str] | None:
    t = tok
    while t is not None and t is not Token:
        found = STYLES.get(t)
        if found is not None:
            return found
        t = t.parent  # type: ignore[attr-defined]
    return None


_LEXER: IfsLexer | None = None


def _tokens(line: str) -> list[tuple[object, str]]:
    """The tokens of one line; their values join to exactly `line` (without its newline)."""
    global _LEXER
    if _LEXER is None:
        _LEXER = IfsLexer(stripnl=False, ensurenl=True)
    text = line[:-1] if line.endswith("\n") else line
    text = text.replace("\n", " ").replace("\r", " ")  # one line: stray breaks would desync the columns
    out = [(tok, value) for tok, value in _LEXER.get_tokens(text) if value]
    # the lexer ends the text with a newline of its own; take it off again
    for i in range(len(out) - 1, -1, -1):
        tok, value = out[i]
        if value.endswith("\n"):
            out[i] = (tok, value[:-1])
            break
    return [(tok, value) for tok, value in out if value]


def highlight_ansi(line: str) -> str:
    """One script line with ANSI colours, for diagnostics printed to a terminal. The visible text (what
    remains after removing the escape codes) is exactly `line`."""
    parts: list[str] = []
    for tok, value in _tokens(line):
        style = _style(tok)
        parts.append(f"\x1b[{style[1]}m{value}\x1b[0m" if style and value.strip() else value)
    return "".join(parts)


def highlight_line(line: str):  # -> rich.text.Text (rich is imported lazily)
    """One script line as a `rich.text.Text`, for the Textual player's error panel. Markup in the line is
    never interpreted: the text is exactly `line`."""
    from rich.text import Text as RichText

    text = RichText(no_wrap=True)
    for tok, value in _tokens(line):
        style = _style(tok)
        text.append(value, style=style[0] if style else None)
    return text

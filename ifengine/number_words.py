"""Numbers as words, for literary prose: `{words(squad)}` reads "six", not "6".

British usage, the way a novel prints numbers: "twenty-one", "a hundred and twelve", "a thousand and
five", "two million three hundred thousand"; ordinals "third", "twenty-first", "hundred and twelfth". A
capitalised name (`Words`, `Ordinal`) capitalises the first letter, for the start of a sentence. Every
int the language holds (±(2**63-1)) has words.
"""
from __future__ import annotations

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
         "sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ("", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion")
_ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
                  "nine": "ninth", "twelve": "twelfth"}

FUNCTIONS = ("words", "ordinal")  # and their capitalised forms


def _below_thousand(n: int, and_before: bool) -> list[str]:
    """Words for 1..999; `and_before`: a higher group came first, so "and" goes before a last part < 100."""
    out: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds:
        out += [_ONES[hundreds], "hundred"]
    if rest:
        if hundreds or and_before:
            out.append("and")
        if rest < 20:
            out.append(_ONES[rest])
        else:
            tens, ones = divmod(rest, 10)
            out.append(_TENS[tens] + (f"-{_ONES[ones]}" if ones else ""))
    return out


def cardinal(n: int) -> str:
    """The number in words: 0 "zero", 21 "twenty-one", 112 "a hundred and twelve", -3 "minus three"."""
    if n < 0:
        return "minus " + cardinal(-n)
    if n == 0:
        return "zero"
    groups: list[int] = []
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    words: list[str] = []
    for scale in range(len(groups) - 1, -1, -1):
        group = groups[scale]
        if not group:
            continue
        words += _below_thousand(group, and_before=bool(words) and scale == 0 and group < 100)
        if _SCALES[scale]:
            words.append(_SCALES[scale])
    if len(words) > 1 and words[0] == "one" and words[1] in ("hundred", *_SCALES[1:]):
        words[0] = "a"  # "a hundred and twelve", "a thousand", as prose says them
    return " ".join(words)


def ordinal(n: int) -> str:
    """The ordinal in words: 1 "first", 3 "third", 21 "twenty-first", 100 "hundredth", 112 "hundred and
    twelfth" (as in "the hundred and twelfth day")."""
    words = cardinal(n)
    if words.startswith("a "):
        words = words[2:]
    head, sep, last = words.rpartition(" ")
    tens, hyphen, unit = last.rpartition("-")
    if unit in _ORDINAL_WORDS:
        unit = _ORDINAL_WORDS[unit]
    elif unit.endswith("y"):
        unit = unit[:-1] + "ieth"
    else:
        unit += "th"
    return head + sep + tens + hyphen + unit


def spell(func: str, n: int) -> str:
    """`words(n)`, `ordinal(n)`, or their capitalised forms `Words(n)`, `Ordinal(n)`."""
    text = cardinal(n) if func.lower() == "words" else ordinal(n)
    return text[:1].upper() + text[1:] if func[:1].isupper() else text
